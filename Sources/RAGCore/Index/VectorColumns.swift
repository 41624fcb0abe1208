/// Every chunk's vector, stored dimension-major: column `d` holds component `d` of every slot, contiguously.
///
/// Scoring a query adds `q[d] × column[d]` into one score per slot for each non-zero `q[d]`: a
/// vectorisable multiply-add over contiguous `Float`s, with no allocation per chunk. The result is the
/// exact dot product (cosine, since vectors are unit length), and a sparse query (the built-in embedder's
/// has a few dozen non-zero components) reads only its columns; a dense one (a real model's) reads the
/// whole matrix once, like a row-major scan.
struct VectorColumns {
    let dimensions: Int
    private(set) var columns: [[Float]]
    private(set) var count = 0

    init(dimensions: Int) {
        self.dimensions = dimensions
        columns = Array(repeating: [], count: dimensions)
    }

    mutating func reserve(_ capacity: Int) {
        for index in columns.indices { columns[index].reserveCapacity(capacity) }
    }

    /// Appends one vector (its slot is the previous ``count``); a vector of the wrong length is stored as zeros.
    mutating func append(_ vector: [Float]) {
        let valid = vector.count == dimensions
        for index in 0..<dimensions { columns[index].append(valid ? vector[index] : 0) }
        count += 1
    }

    /// Overwrites the vector of `slot`.
    mutating func set(_ vector: [Float], at slot: Int) {
        guard vector.count == dimensions, slot < count else { return }
        for index in 0..<dimensions { columns[index][slot] = vector[index] }
    }

    /// The stored vector of `slot`.
    func vector(at slot: Int) -> [Float] { (0..<dimensions).map { columns[$0][slot] } }

    /// Adds every slot's dot product with `query` into `scores` (which has ``count`` entries).
    func accumulate(_ query: [Float], into scores: inout [Float]) {
        guard query.count == dimensions else { return }
        let n = count
        scores.withUnsafeMutableBufferPointer { output in
            guard let out = output.baseAddress else { return }
            for dimension in 0..<dimensions {
                let weight = query[dimension]
                if weight == 0 { continue }
                columns[dimension].withUnsafeBufferPointer { column in
                    guard let input = column.baseAddress else { return }
                    for slot in 0..<n { out[slot] += weight * input[slot] }
                }
            }
        }
    }

    /// The bytes the vectors occupy.
    var byteCount: Int { columns.reduce(0) { $0 + $1.capacity * MemoryLayout<Float>.size } }
}
