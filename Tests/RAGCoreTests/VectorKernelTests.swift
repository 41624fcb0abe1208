import CVectorKernels
import Testing
@testable import RAGCore

struct VectorKernelTests {
    @Test func kernels_MatchAPlainLoop_AtEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for dimensions in [1, 7, 8, 15, 16, 17, 384, 385, 512] {
            let rows = 37
            let matrix = (0..<(rows * dimensions)).map { _ in Float.random(in: -1...1, using: &generator) }
            let query = (0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) }
            var out = [Float](repeating: 0.5, count: rows)
            matrix.withUnsafeBufferPointer { m in query.withUnsafeBufferPointer { q in out.withUnsafeMutableBufferPointer { o in
                cvk_dot_rows(m.baseAddress, rows, dimensions, q.baseAddress, o.baseAddress)
            } } }
            for row in 0..<rows {
                let expected = 0.5 + (0..<dimensions).reduce(Float(0)) { $0 + matrix[row * dimensions + $1] * query[$1] }
                #expect(abs(out[row] - expected) < 1e-3, "dims \(dimensions) row \(row)")
            }
            var y = query.map { $0 * 2 }
            query.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in cvk_axpy(0.25, x.baseAddress, y.baseAddress, dimensions) } }
            for index in 0..<dimensions { #expect(abs(y[index] - query[index] * 2.25) < 1e-5) }
        }
    }

    @Test func columnAccumulation_MatchesAPlainLoop_ForAnyColumnCountAndOffset() {
        var generator = SystemRandomNumberGenerator()
        let length = 203
        for columnCount in [0, 1, 3, 4, 5, 8, 13] {
            let columns = (0..<columnCount).map { _ in (0..<length).map { _ in Float.random(in: -1...1, using: &generator) } }
            let weights = (0..<columnCount).map { _ in Float.random(in: -1...1, using: &generator) }
            for (offset, count) in [(0, length), (5, 17), (64, 139), (200, 3)] {
                var y = (0..<count).map { Float($0) / 10 }
                // Columns in memory of their own, as ColumnMajorVectors keeps them.
                let storage = columns.map { column -> UnsafeMutablePointer<Float> in
                    let pointer = UnsafeMutablePointer<Float>.allocate(capacity: length)
                    pointer.initialize(from: column, count: length)
                    return pointer
                }
                defer { storage.forEach { $0.deallocate() } }
                let pointers: [UnsafePointer<Float>?] = storage.map { UnsafePointer($0) }
                pointers.withUnsafeBufferPointer { p in weights.withUnsafeBufferPointer { w in y.withUnsafeMutableBufferPointer { out in
                    cvk_axpy_columns(p.baseAddress, w.baseAddress, columnCount, offset, out.baseAddress, count)
                } } }
                for index in 0..<count {
                    let expected = Float(index) / 10 + (0..<columnCount).reduce(Float(0)) { $0 + weights[$1] * columns[$1][offset + index] }
                    #expect(abs(y[index] - expected) < 1e-4, "columns \(columnCount) offset \(offset) index \(index)")
                }
            }
        }
    }

    @Test func bothLayouts_ScoreTheSame() {
        let embedder = BuiltInEmbedder()
        let texts = (0..<300).map { "Tratamiento número \($0) con láser, toxina y ácido hialurónico \($0 % 7)." }
        let columns = ColumnMajorVectors(dimensions: embedder.dimensions), rows = RowMajorVectors(dimensions: embedder.dimensions)
        for text in texts { columns.append(embedder.vector(text)); rows.append(embedder.vector(text)) }
        for query in ["láser", "toxina hialurónico 3", "tratamiento número 299"] {
            var a = [Float](repeating: 0, count: texts.count), b = a
            columns.score(embedder.vector(query), into: &a)
            rows.score(embedder.vector(query), into: &b)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 })
        }
    }
}
