/// A complete HTTP/1.x request, body included.
public struct HTTPRequest: Sendable {
    /// The method, as sent (`GET`, `POST`...).
    public var method: String
    /// The request target as sent (path and query).
    public var target: String
    /// The path's non-empty segments, split before percent-decoding (see ``RequestPath``).
    public var pathSegments: [String]
    /// The raw query string (after `?`), if any.
    public var query: String?
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// Creates a request (the server does; tests may too).
    public init(method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = []) {
        self.init(head: HTTPRequestHead(method: method, target: target, minorVersion: minorVersion, headers: headers),
                  body: body)
    }

    /// Creates a request from a parsed head, keeping the segments the parser already worked out.
    public init(head: HTTPRequestHead, body: [UInt8]) {
        self.method = head.method
        self.target = head.target
        self.pathSegments = head.pathSegments
        self.minorVersion = head.minorVersion
        self.headers = head.headers
        self.body = body
        self.query = HTTPRequest.query(of: head.target)
    }

    /// The path without the query, each segment percent-decoded, joined with `/` (for messages and
    /// logs; route on ``pathSegments``, where an encoded `/` stays inside its segment).
    public var path: String { "/" + pathSegments.joined(separator: "/") }

    /// The decoded query parameters, in order (`+` is a space).
    public var queryItems: [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(String(parts[0]), plusIsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentDecoding.decode(String(parts[1]), plusIsSpace: true) ?? String(parts[1])) : ""
            return (name, value)
        }
    }

    /// Every value of query parameter `name`.
    public func queryValues(_ name: String) -> [String] { queryItems.filter { $0.name == name }.map(\.value) }

    /// Whether the client asked to keep the connection open.
    public var wantsKeepAlive: Bool {
        if headers.hasToken("close", in: "Connection") { return false }
        return minorVersion >= 1 || headers.hasToken("keep-alive", in: "Connection")
    }

    /// The raw query of a target: everything after its first `?`, or nil.
    static func query(of target: String) -> String? {
        let utf8 = target.utf8
        guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(target[utf8.index(after: mark)...])
    }
}

/// Percent-decoding for paths and query strings.
public enum PercentDecoding {
    /// Decodes `%XX` escapes (and `+` as space when asked); nil for malformed escapes or invalid UTF-8.
    public static func decode(_ text: String, plusIsSpace: Bool) -> String? {
        guard text.utf8.contains(where: { $0 == 0x25 || (plusIsSpace && $0 == 0x2B) }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == 0x25 {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == 0x2B {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The value of one ASCII hexadecimal digit, or nil.
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
