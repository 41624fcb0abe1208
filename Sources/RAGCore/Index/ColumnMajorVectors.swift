import CVectorKernels

/// Every chunk's vector, stored dimension-major: column `d` holds component `d` of every slot,
/// contiguously, in memory this type owns (one allocation per column, grown by doubling).
///
/// Scoring a query adds `q[d] × column[d]` into one score per slot for each non-zero `q[d]`: a
/// vectorisable multiply-add over contiguous `Float`s, with no allocation per chunk. The result is the
/// exact dot product (cosine, since vectors are unit length). A sparse query (the built-in embedder's
/// has a few dozen non-zero components) reads only its columns, each as one sequential stream. Dense
/// queries (a real model's) are better served by ``RowMajorVectors``.
///
/// Not thread-safe by itself: ``TenantIndex`` guards it with its lock (reads shared, writes exclusive).
final class ColumnMajorVectors: VectorMatrix {
    /// Slots scored together (4,096 floats = 16 KiB of partial scores).
    static let block = 1_024
    let dimensions: Int
    private var columns: [UnsafeMutablePointer<Float>]
    private(set) var count = 0
    private var capacity = 0

    init(dimensions: Int, capacity: Int = 64) {
        self.dimensions = dimensions
        self.capacity = max(16, capacity)
        columns = (0..<dimensions).map { _ in
            let column = UnsafeMutablePointer<Float>.allocate(capacity: max(16, capacity))
            return column
        }
    }

    deinit {
        for column in columns { column.deallocate() }
    }

    private func grow(to minimum: Int) {
        guard minimum > capacity else { return }
        let newCapacity = max(minimum, capacity * 2)
        for index in columns.indices {
            let column = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity)
            column.update(from: columns[index], count: count)
            columns[index].deallocate()
            columns[index] = column
        }
        capacity = newCapacity
    }

    func reserve(_ capacity: Int) { grow(to: capacity) }

    /// Appends one vector (its slot is the previous ``count``); a vector of the wrong length is stored as zeros.
    func append(_ vector: [Float]) {
        grow(to: count + 1)
        let slot = count
        count += 1
        if vector.count == dimensions {
            vector.withUnsafeBufferPointer { input in
                for dimension in 0..<dimensions { columns[dimension][slot] = input[dimension] }
            }
        } else {
            for dimension in 0..<dimensions { columns[dimension][slot] = 0 }
        }
    }

    /// Overwrites the vector of `slot`.
    func set(_ vector: [Float], at slot: Int) {
        guard vector.count == dimensions, slot < count else { return }
        for dimension in 0..<dimensions { columns[dimension][slot] = vector[dimension] }
    }

    /// The stored vector of `slot`.
    func vector(at slot: Int) -> [Float] { (0..<dimensions).map { columns[$0][slot] } }

    /// Adds every slot's dot product with `query` into `scores` (zeros, at least ``count`` entries).
    func score(_ query: [Float], into scores: inout [Float]) {
        guard query.count == dimensions, scores.count >= count else { return }
        var pointers: [UnsafePointer<Float>?] = []
        var weights: [Float] = []
        for (dimension, weight) in query.enumerated() where weight != 0 {
            pointers.append(UnsafePointer(columns[dimension]))
            weights.append(weight)
        }
        let n = count
        scores.withUnsafeMutableBufferPointer { output in
            guard let out = output.baseAddress else { return }
            pointers.withUnsafeBufferPointer { pointers in
                weights.withUnsafeBufferPointer { weights in
                    guard let columnList = pointers.baseAddress, let weightList = weights.baseAddress else { return }
                    // Blocks of slots, so the partial scores stay in the L1 cache while the columns stream by.
                    var start = 0
                    while start < n {
                        let end = min(n, start + Self.block)
                        cvk_axpy_columns(columnList, weightList, pointers.count, start, out + start, end - start)
                        start = end
                    }
                }
            }
        }
    }

    func write(to writer: SnapshotWriter) {
        for column in columns { writer.raw(UnsafeBufferPointer(start: column, count: count)) }
    }

    func read(from reader: inout SnapshotReader, count: Int) throws(SnapshotReader.Corrupt) {
        guard self.count == 0 else { throw SnapshotReader.Corrupt() }
        grow(to: count)
        for column in columns { try reader.raw(count, into: column) }
        self.count = count
    }

    /// The bytes the vectors occupy.
    var byteCount: Int { capacity * dimensions * MemoryLayout<Float>.size }
}
