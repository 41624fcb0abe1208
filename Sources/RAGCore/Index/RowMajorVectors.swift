/// Every chunk's vector, slot-major in one allocation (grown by doubling): the layout for dense query
/// vectors. Scoring is one sequential pass over the matrix with a SIMD dot product per slot.
final class RowMajorVectors: VectorMatrix {
    let dimensions: Int
    private var storage: UnsafeMutablePointer<Float>
    private(set) var count = 0
    private var capacity: Int

    init(dimensions: Int, capacity: Int = 64) {
        self.dimensions = dimensions
        self.capacity = max(16, capacity)
        storage = .allocate(capacity: self.capacity * dimensions)
    }

    deinit { storage.deallocate() }

    private func grow(to minimum: Int) {
        guard minimum > capacity else { return }
        let newCapacity = max(minimum, capacity * 2)
        let grown = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * dimensions)
        grown.update(from: storage, count: count * dimensions)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }

    func append(_ vector: [Float]) {
        grow(to: count + 1)
        let row = storage + count * dimensions
        count += 1
        if vector.count == dimensions {
            vector.withUnsafeBufferPointer { input in
                if let base = input.baseAddress { row.update(from: base, count: dimensions) }
            }
        } else {
            row.update(repeating: 0, count: dimensions)
        }
    }

    func set(_ vector: [Float], at slot: Int) {
        guard vector.count == dimensions, slot < count else { return }
        vector.withUnsafeBufferPointer { input in
            if let base = input.baseAddress { (storage + slot * dimensions).update(from: base, count: dimensions) }
        }
    }

    func vector(at slot: Int) -> [Float] { Array(UnsafeBufferPointer(start: storage + slot * dimensions, count: dimensions)) }

    func score(_ query: [Float], into scores: inout [Float]) {
        guard query.count == dimensions, scores.count >= count else { return }
        // SIMD8 multiply and add (not `addingProduct`: without an FMA target it becomes scalar `fmaf` calls).
        let wide = dimensions / 8 * 8
        let n = count, dimensions = self.dimensions, storage = self.storage
        query.withUnsafeBufferPointer { query in
            guard let q = query.baseAddress else { return }
            let queryBytes = UnsafeRawPointer(q)
            scores.withUnsafeMutableBufferPointer { output in
                for slot in 0..<n {
                    let row = storage + slot * dimensions
                    let rowBytes = UnsafeRawPointer(row)
                    var sum = SIMD8<Float>()
                    var offset = 0
                    while offset < wide * 4 {
                        sum += rowBytes.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                            * queryBytes.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                        offset += 32
                    }
                    var total = sum.sum()
                    for index in wide..<dimensions { total += row[index] * q[index] }
                    output[slot] += total
                }
            }
        }
    }

    func write(to writer: SnapshotWriter) {
        writer.raw(UnsafeBufferPointer(start: storage, count: count * dimensions))
    }

    func read(from reader: inout SnapshotReader, count: Int) throws(SnapshotReader.Corrupt) {
        guard self.count == 0 else { throw SnapshotReader.Corrupt() }
        grow(to: count)
        try reader.raw(count * dimensions, into: storage)
        self.count = count
    }

    var byteCount: Int { capacity * dimensions * MemoryLayout<Float>.size }
}
