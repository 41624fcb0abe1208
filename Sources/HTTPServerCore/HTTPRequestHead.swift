/// The request line and header fields of a request, before its body.
public struct HTTPRequestHead: Sendable {
    public var method: String
    public var target: String
    /// The path's decoded, non-empty segments, worked out once when the request line is parsed (see
    /// ``RequestPath``).
    public var pathSegments: [String]
    public var minorVersion: Int
    public var headers: HTTPHeaders

    /// Creates a head; without `pathSegments` they are split leniently from `target`.
    public init(method: String, target: String, pathSegments: [String]? = nil, minorVersion: Int,
                headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.pathSegments = pathSegments ?? RequestPath.segments(of: target)
        self.minorVersion = minorVersion
        self.headers = headers
    }

    /// How the body is delimited.
    public enum BodyFraming: Sendable, Equatable {
        case none
        case contentLength(Int)
        case chunked
    }

    /// Works out the body framing, refusing the ambiguous shapes used for request smuggling:
    /// Content-Length together with Transfer-Encoding, conflicting or malformed Content-Lengths, a
    /// Transfer-Encoding other than `chunked`, or Transfer-Encoding on HTTP/1.0.
    public func bodyFraming() throws(HTTPParseError) -> BodyFraming {
        let encodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                throw .bad("Content-Length and Transfer-Encoding must not both be present.")
            }
            guard minorVersion >= 1 else { throw .bad("Transfer-Encoding is not allowed in HTTP/1.0.") }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces().lowercased() }
            guard codings.last == "chunked" else { throw .bad("The final transfer coding must be chunked.") }
            guard codings.count == 1 else {
                throw HTTPParseError(501, "unsupported_transfer_coding", "Only the chunked transfer coding is supported.")
            }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        var value: Int?
        for field in lengths {
            for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = part.trimmingSpaces()
                guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                      let parsed = Int(digits) else {
                    throw .bad("Content-Length must be a non-negative integer.")
                }
                if let value, value != parsed { throw .bad("Conflicting Content-Length values.") }
                value = parsed
            }
        }
        return .contentLength(value ?? 0)
    }

    /// Whether the client sent `Expect: 100-continue`.
    public var expectsContinue: Bool { headers.hasToken("100-continue", in: "Expect") }
}
