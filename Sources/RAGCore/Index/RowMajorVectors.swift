import CVectorKernels

/// Every chunk's vector, slot-major in one allocation (grown by doubling): the layout for dense query
/// vectors. Scoring is one sequential pass over the matrix with a SIMD dot product per slot (AVX2+FMA when
/// the CPU has it, see `CVectorKernels`).
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
        let n = count, dimensions = self.dimensions, storage = self.storage
        query.withUnsafeBufferPointer { query in
            guard let q = query.baseAddress else { return }
            scores.withUnsafeMutableBufferPointer { output in
                guard let out = output.baseAddress else { return }
                cvk_dot_rows(storage, n, dimensions, q, out)
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
