import Testing
@testable import HTTPServerCore

@Suite struct HTTPRequestParserTests {
    private func parse(_ text: String, maximumHeadSize: Int = 16_384, maximumHeaderCount: Int = 100) throws
        -> HTTPRequestParser.Result {
        var parser = HTTPRequestParser(maximumHeadSize: maximumHeadSize, maximumHeaderCount: maximumHeaderCount)
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { raw in try parser.parse(raw) }
    }

    private func head(_ text: String) throws -> (HTTPRequestHead, Int) {
        guard case .complete(let head, let consumed) = try parse(text) else {
            Issue.record("incomplete")
            throw HTTPParseError.bad("incomplete")
        }
        return (head, consumed)
    }

    private func expectStatus(_ status: Int, _ text: String, maximumHeadSize: Int = 16_384, maximumHeaderCount: Int = 100) {
        do {
            _ = try parse(text, maximumHeadSize: maximumHeadSize, maximumHeaderCount: maximumHeaderCount)
            Issue.record("accepted: \(text.debugDescription)")
        } catch let error as HTTPParseError {
            #expect(error.status == status, "\(text.debugDescription): \(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func parsesARequestHead() throws {
        let (head, consumed) = try head("GET /api/x?a=1 HTTP/1.1\r\nHost: h\r\nX-A:  b c \r\nx-a: d\r\n\r\nBODY")
        #expect(head.method == "GET")
        #expect(head.target == "/api/x?a=1")
        #expect(head.minorVersion == 1)
        #expect(head.headers["x-A"] == "b c")
        #expect(head.headers.values("X-A") == ["b c", "d"])
        #expect(consumed == 56)
    }

    @Test func incompleteHeads_WaitForMore() throws {
        let full = "POST / HTTP/1.1\r\nHost: h\r\n\r\n"
        for length in 0..<full.utf8.count {
            let prefix = String(decoding: Array(full.utf8)[0..<length], as: UTF8.self)
            if case .complete = try parse(prefix) { Issue.record("complete at \(length)") }
        }
    }

    @Test func leadingEmptyLinesAreIgnored_AndAbsoluteFormIsReduced() throws {
        let (head, _) = try head("\r\nGET http://example.com/a/b?c HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(head.target == "/a/b?c")
    }

    @Test func malformedHeads_Get400() {
        expectStatus(400, "GET / HTTP/1.1\nHost: h\r\n\r\n")  // bare LF
        expectStatus(400, "GET / HTTP/1.1\r\nHost: h\n\r\n")  // bare LF
        expectStatus(400, "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n folded\r\n\r\n")  // obs-fold
        expectStatus(400, "GET / HTTP/1.1\r\nHost : h\r\n\r\n")  // space before colon
        expectStatus(400, "GET / HTTP/1.1\r\nHost: h\r\nX: a\u{1}b\r\n\r\n")  // control character
        expectStatus(400, "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n")
        expectStatus(400, "G(T / HTTP/1.1\r\nHost: h\r\n\r\n")
        expectStatus(400, "GET relative HTTP/1.1\r\nHost: h\r\n\r\n")
        expectStatus(400, "GET / HTTP/1.1\r\n\r\n")  // no Host
        expectStatus(400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
        expectStatus(400, "GET / HTTP/1.1\rHost: h\r\n\r\n")  // bare CR
        expectStatus(505, "GET / HTTP/2.0\r\nHost: h\r\n\r\n")
        expectStatus(400, "GET / FTP/1.1\r\nHost: h\r\n\r\n")
    }

    @Test func limits_Get431() {
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        expectStatus(431, big)
        expectStatus(431, "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 20_000))  // still incomplete
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<20).map { "X\($0): v\r\n" }.joined() + "\r\n"
        expectStatus(431, many, maximumHeaderCount: 10)
    }

    @Test func bodyFraming_RefusesSmugglingShapes() throws {
        func framing(_ headers: String, version: String = "1.1") throws -> HTTPRequestHead.BodyFraming {
            let (head, _) = try head("POST / HTTP/\(version)\r\nHost: h\r\n\(headers)\r\n")
            return try head.bodyFraming()
        }
        #expect(try framing("Content-Length: 5\r\n") == .contentLength(5))
        #expect(try framing("Content-Length: 5\r\nContent-Length: 5\r\n") == .contentLength(5))
        #expect(try framing("Transfer-Encoding: chunked\r\n") == .chunked)
        #expect(try framing("") == .none)
        for bad in ["Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "Content-Length: 5\r\nContent-Length: 6\r\n",
                    "Content-Length: 5, 6\r\n", "Content-Length: -1\r\n", "Content-Length: 1e3\r\n",
                    "Content-Length: 99999999999999999999\r\n", "Transfer-Encoding: chunked, gzip\r\n"] {
            #expect(throws: HTTPParseError.self, "\(bad.debugDescription)") { try framing(bad) }
        }
        #expect(throws: HTTPParseError.self) { try framing("Transfer-Encoding: chunked\r\n", version: "1.0") }
        do {
            _ = try framing("Transfer-Encoding: gzip, chunked\r\n")
            Issue.record("gzip accepted")
        } catch let error as HTTPParseError {
            #expect(error.status == 501)
        }
    }
}
