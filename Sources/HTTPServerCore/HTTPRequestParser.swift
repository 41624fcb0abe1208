/// Parses request heads from a byte buffer (RFC 9112), strictly: CRLF line endings only, no obs-fold,
/// token-only methods and field names, no control characters in targets or values, and limits on the
/// size of the head and the number of fields.
public struct HTTPRequestParser: Sendable {
    /// The outcome of looking at the buffer.
    public enum Result: Sendable {
        /// The head is not complete yet.
        case incomplete
        /// A complete head, which used `consumed` bytes.
        case complete(HTTPRequestHead, consumed: Int)
    }

    /// The largest request line plus header section accepted (431 beyond).
    public var maximumHeadSize: Int
    /// The most header fields accepted (431 beyond).
    public var maximumHeaderCount: Int
    /// Where the search for the end of the head resumes (bytes already known not to end it).
    private var scanned = 0

    public init(maximumHeadSize: Int = 16 * 1024, maximumHeaderCount: Int = 100) {
        self.maximumHeadSize = maximumHeadSize
        self.maximumHeaderCount = maximumHeaderCount
    }

    /// Forgets the scan position (call after a head was consumed).
    public mutating func reset() { scanned = 0 }

    /// Parses the head at the front of `bytes`.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Result {
        // Empty lines before a request line are ignored (RFC 9112 §2.2).
        var start = 0
        while start + 1 < bytes.count && bytes[start] == 0x0D && bytes[start + 1] == 0x0A { start += 2 }
        if start < bytes.count && bytes[start] == 0x0A { throw .bad("Bare LF line ending.") }
        var index = max(scanned, start)
        var end = -1
        while index < bytes.count {
            if bytes[index] == 0x0A {
                guard index > start && bytes[index - 1] == 0x0D else { throw .bad("Bare LF line ending.") }
                if index - start >= 3 && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D {
                    end = index + 1
                    break
                }
            }
            index += 1
        }
        if end < 0 {
            scanned = bytes.count
            if bytes.count - start > maximumHeadSize {
                throw HTTPParseError(431, "headers_too_large", "The request line and headers exceed \(maximumHeadSize) bytes.")
            }
            return .incomplete
        }
        guard end - start <= maximumHeadSize else {
            throw HTTPParseError(431, "headers_too_large", "The request line and headers exceed \(maximumHeadSize) bytes.")
        }
        scanned = 0
        let head = try parseHead(UnsafeRawBufferPointer(rebasing: bytes[start..<end - 2]))
        return .complete(head, consumed: end)
    }

    /// Parses lines `[request-line CRLF (field CRLF)*]` (the final empty line excluded).
    private func parseHead(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPRequestHead {
        var lines: [Range<Int>] = []
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D {
                guard index + 1 < bytes.count, bytes[index + 1] == 0x0A else { throw .bad("Bare CR in the request head.") }
                lines.append(lineStart..<index)
                index += 2
                lineStart = index
                continue
            }
            index += 1
        }
        guard let requestLine = lines.first else { throw .bad("Missing request line.") }
        var head = try parseRequestLine(UnsafeRawBufferPointer(rebasing: bytes[requestLine]))
        guard lines.count - 1 <= maximumHeaderCount else {
            throw HTTPParseError(431, "too_many_headers", "More than \(maximumHeaderCount) header fields.")
        }
        for line in lines.dropFirst() {
            let field = UnsafeRawBufferPointer(rebasing: bytes[line])
            guard let first = field.first else { throw .bad("Empty header line.") }
            if first == 0x20 || first == 0x09 { throw .bad("Obsolete line folding is not accepted.") }
            guard let colon = field.firstIndex(of: 0x3A), colon > 0 else { throw .bad("Malformed header field.") }
            guard field[..<colon].allSatisfy(Self.isTokenCharacter) else {
                throw .bad("Invalid header field name.")
            }
            var valueStart = colon + 1
            var valueEnd = field.count
            while valueStart < valueEnd && (field[valueStart] == 0x20 || field[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (field[valueEnd - 1] == 0x20 || field[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            for byte in field[valueStart..<valueEnd] where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw .bad("Control character in a header value.")
            }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: field[..<colon]), as: UTF8.self)
            let value = String(decoding: UnsafeRawBufferPointer(rebasing: field[valueStart..<valueEnd]), as: UTF8.self)
            head.headers.add(name, value)
        }
        if head.minorVersion >= 1 && !head.headers.contains("Host") { throw .bad("HTTP/1.1 requests need a Host header.") }
        if head.headers.values("Host").count > 1 { throw .bad("More than one Host header.") }
        return head
    }

    private func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTPParseError) -> HTTPRequestHead {
        guard let firstSpace = line.firstIndex(of: 0x20), firstSpace > 0 else { throw .bad("Malformed request line.") }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: 0x20), secondSpace > firstSpace + 1 else {
            throw .bad("Malformed request line.")
        }
        let methodBytes = line[..<firstSpace]
        guard methodBytes.count <= 32, methodBytes.allSatisfy(Self.isTokenCharacter) else { throw .bad("Invalid method.") }
        let targetBytes = line[(firstSpace + 1)..<secondSpace]
        guard targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .bad("Invalid request target.") }
        let version = line[(secondSpace + 1)...]
        let minor: Int
        if version.elementsEqual("HTTP/1.1".utf8) {
            minor = 1
        } else if version.elementsEqual("HTTP/1.0".utf8) {
            minor = 0
        } else if version.starts(with: "HTTP/".utf8) {
            throw HTTPParseError(505, "http_version_not_supported", "Only HTTP/1.0 and HTTP/1.1 are supported.")
        } else {
            throw .bad("Malformed request line.")
        }
        let method = String(decoding: UnsafeRawBufferPointer(rebasing: methodBytes), as: UTF8.self)
        var target = String(decoding: UnsafeRawBufferPointer(rebasing: targetBytes), as: UTF8.self)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            // absolute-form: keep the path and query.
            let afterScheme = target[target.index(target.startIndex, offsetBy: target.hasPrefix("https://") ? 8 : 7)...]
            target = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        } else if target == "*" {
            guard method == "OPTIONS" else { throw .bad("'*' is only valid with OPTIONS.") }
        } else if !target.hasPrefix("/") {
            throw .bad("Invalid request target.")
        }
        return HTTPRequestHead(method: method, target: target, minorVersion: minor, headers: HTTPHeaders())
    }

    /// RFC 9110 `tchar`.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }
}
