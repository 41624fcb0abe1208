import Testing
@testable import HTTPServerCore

/// The one-pass path splitter, checked against cases and against a plain reference written the slow,
/// obvious way (split the string, then decode each piece).
struct RequestPathTests {
    /// The obvious implementation: split the path on `/`, decode each non-empty piece.
    private static func reference(_ target: String) -> (segments: [String], refused: Bool) {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var refused = false
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { raw -> String in
            guard let decoded = PercentDecoding.decode(String(raw), plusIsSpace: false) else {
                refused = true
                return String(raw)
            }
            if decoded == "." || decoded == ".." || decoded.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                refused = true
            }
            return decoded
        }
        return (segments, refused)
    }

    @Test(arguments: [
        ("/", [String]()),
        ("/livez", ["livez"]),
        ("//api///companies//", ["api", "companies"]),
        ("/api/companies/benova?x=1/2", ["api", "companies", "benova"]),
        ("/a%20b/c%2Fd", ["a b", "c/d"]),
        ("/caf%C3%A9", ["café"]),
        ("/a?", ["a"]),
        ("/a+b", ["a+b"]),
        ("/...", ["..."]),
        ("/.a/..b", [".a", "..b"]),
    ])
    func parse_SplitsAndDecodes(target: String, expected: [String]) throws {
        #expect(try RequestPath.parse(target) == expected)
        #expect(RequestPath.segments(of: target) == expected)
    }

    @Test(arguments: ["/.", "/..", "/a/%2e", "/a/%2E%2e/b", "/%00", "/a%7f", "/%zz", "/a%2", "/a%", "/%C3%28", "/%FF"])
    func parse_RefusesUnsafeSegments(target: String) {
        let error = #expect(throws: HTTPParseError.self) { _ = try RequestPath.parse(target) }
        #expect(error?.status == 400 && error?.code == "invalid_path")
    }

    @Test func segments_KeepsMalformedEscapesAsSent() {
        #expect(RequestPath.segments(of: "/a/%zz/b%2") == ["a", "%zz", "b%2"])
        #expect(RequestPath.segments(of: "/%C3%28") == ["%C3%28"])
    }

    @Test func parse_AgreesWithTheReferenceOnRandomTargets() {
        let alphabet = Array("/?%.aZ0+~ 2eE7fFcC3(".utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...14, using: &generator)
            let bytes = [UInt8(ascii: "/")] + (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0x61 }
            let target = String(decoding: bytes, as: UTF8.self)
            let expected = Self.reference(target)
            do {
                let segments = try RequestPath.parse(target)
                #expect(!expected.refused && segments == expected.segments, "\(target)")
            } catch {
                #expect(expected.refused, "\(target) was refused: \(error.message)")
            }
            if !expected.refused { #expect(RequestPath.segments(of: target) == expected.segments, "\(target)") }
        }
    }

    @Test func request_KeepsTheHeadSegmentsAndQuery() {
        let request = HTTPRequest(method: "GET", target: "/api/a%2Fb?q=%20x&y")
        #expect(request.pathSegments == ["api", "a/b"])
        #expect(request.path == "/api/a/b")
        #expect(request.query == "q=%20x&y")
        #expect(HTTPRequest(method: "GET", target: "/x").query == nil)
    }
}
