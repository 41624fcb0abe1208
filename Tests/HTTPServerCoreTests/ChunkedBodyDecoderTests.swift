import Testing
@testable import HTTPServerCore

@Suite struct ChunkedBodyDecoderTests {
    private func decode(_ text: String, limit: Int = 1_000, splitEvery: Int? = nil) throws -> ([UInt8], Bool, Int) {
        var decoder = ChunkedBodyDecoder(limit: limit)
        var body: [UInt8] = []
        let bytes = Array(text.utf8)
        var offset = 0
        let step = splitEvery ?? bytes.count
        while offset < bytes.count && !decoder.isComplete {
            let end = min(bytes.count, offset + max(1, step))
            let consumed = try bytes[offset..<end].withUnsafeBytes { raw in try decoder.decode(raw, into: &body) }
            offset += consumed
            if consumed < end - offset + consumed && !decoder.isComplete { break }
        }
        return (body, decoder.isComplete, offset)
    }

    @Test func decodesChunks_WithExtensionsAndTrailers_InAnySplit() throws {
        let text = "5;name=val\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT"
        for split in [1, 2, 3, 7, 100] {
            let (body, complete, consumed) = try decode(text, splitEvery: split)
            #expect(String(decoding: body, as: UTF8.self) == "hello world", "split \(split)")
            #expect(complete)
            #expect(consumed == text.utf8.count - 4)
        }
    }

    @Test func rejectsBadSyntax() {
        for bad in ["z\r\n", "5\r\nhelloX\r\n", "5\nhello\r\n", "\r\n", "5\r\nhello\r\n0\r\nX\n\r\n",
                    "fffffffffffffffff\r\n"] {
            #expect(throws: HTTPParseError.self, "\(bad.debugDescription)") { try decode(bad) }
        }
    }

    @Test func enforcesTheLimit() {
        do {
            _ = try decode("10\r\n0123456789abcdef\r\n0\r\n\r\n", limit: 8)
            Issue.record("over the limit")
        } catch let error as HTTPParseError {
            #expect(error.status == 413)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
