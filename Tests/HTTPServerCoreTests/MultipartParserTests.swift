import Testing
@testable import HTTPServerCore

@Suite struct MultipartParserTests {
    let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"company_id\"\r\n\r\nbenova\r\n"
        + "--XyZ\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"voz.ogg\"\r\nContent-Type: audio/ogg\r\n\r\n"
        + "OggS\u{0}\u{1}binary--XyZ-not-a-boundary\r\n--XyZ--\r\nepilogue"

    @Test func parsesParts_FedInAnyChunkSize() throws {
        for chunk in [1, 3, 16, 1_000] {
            var parser = MultipartParser(boundary: "XyZ")
            var parts: [MultipartParser.Part] = []
            let bytes = Array(body.utf8)
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                parts += try parser.feed(bytes[offset..<end])
                offset = end
            }
            try parser.finish()
            #expect(parts.count == 2, "chunk \(chunk)")
            #expect(parts.first?.name == "company_id")
            #expect(parts.first.map { String(decoding: $0.body, as: UTF8.self) } == "benova")
            #expect(parts.last?.filename == "voz.ogg")
            #expect(parts.last?.contentType == "audio/ogg")
            #expect(parts.last.map { String(decoding: $0.body, as: UTF8.self) } == "OggS\u{0}\u{1}binary--XyZ-not-a-boundary")
        }
    }

    @Test func boundaryIsReadFromTheContentType() {
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartParser.boundary(fromContentType: "multipart/form-data;boundary=abc") == "abc")
        #expect(MultipartParser.boundary(fromContentType: "text/plain; boundary=abc") == nil)
    }

    @Test func limitsAndTruncation_AreErrors() throws {
        var small = MultipartParser(boundary: "XyZ", maximumPartSize: 4)
        #expect(throws: HTTPError.self) { _ = try small.feed(Array(body.utf8)) }
        var few = MultipartParser(boundary: "XyZ", maximumParts: 1)
        #expect(throws: HTTPError.self) { _ = try few.feed(Array(body.utf8)) }
        var truncated = MultipartParser(boundary: "XyZ")
        _ = try truncated.feed(Array(body.utf8.prefix(60)))
        #expect(throws: HTTPError.self) { try truncated.finish() }
        var nameless = MultipartParser(boundary: "b")
        #expect(throws: HTTPError.self) { _ = try nameless.feed(Array("--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--".utf8)) }
    }
}
