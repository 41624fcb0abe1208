/// How an index keeps its chunks' vectors: a growing matrix of `count × dimensions` floats.
///
/// Two layouts, chosen by the kind of query vectors the tenant's embedder produces:
/// ``ColumnMajorVectors`` for sparse ones (the built-in embedder: only the query's non-zero columns are
/// read) and ``RowMajorVectors`` for dense ones (real models: one sequential pass, SIMD dot products).
/// Implementations are not thread-safe; ``TenantIndex`` guards them with its lock.
protocol VectorMatrix: AnyObject {
    var dimensions: Int { get }
    /// The number of vectors.
    var count: Int { get }
    /// The bytes the vectors occupy.
    var byteCount: Int { get }
    /// Appends one vector (a vector of the wrong length is stored as zeros).
    func append(_ vector: [Float])
    /// Overwrites the vector of `slot`.
    func set(_ vector: [Float], at slot: Int)
    /// The stored vector of `slot`.
    func vector(at slot: Int) -> [Float]
    /// Adds every slot's dot product with `query` into `scores` (zeros, at least ``count`` entries).
    func score(_ query: [Float], into scores: inout [Float])
    /// Writes the `count` vectors, in the layout's own order, to a snapshot.
    func write(to writer: SnapshotWriter)
    /// Fills an empty matrix with `count` vectors from a snapshot written by ``write(to:)``.
    func read(from reader: inout SnapshotReader, count: Int) throws(SnapshotReader.Corrupt)
}

/// Which ``VectorMatrix`` an index uses.
public enum VectorLayout: Sendable {
    /// Dimension-major: for sparse query vectors.
    case columns
    /// Slot-major: for dense query vectors.
    case rows

    func makeMatrix(dimensions: Int, capacity: Int = 64) -> any VectorMatrix {
        switch self {
        case .columns: return ColumnMajorVectors(dimensions: dimensions, capacity: capacity)
        case .rows: return RowMajorVectors(dimensions: dimensions, capacity: capacity)
        }
    }
}
