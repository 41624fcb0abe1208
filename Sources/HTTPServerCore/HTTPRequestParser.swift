/// Parses request heads from a byte buffer (RFC 9112), strictly: CRLF line endings only, no obs-fold,
/// token-only methods and field names, no control characters in targets or values, and limits on the
/// size of the head and the number of fields.
///
/// Bytes are validated as they arrive, by a small state machine that looks at each byte once: input that
/// can never become a request (a bad method character, a space in a field name, a control byte, a version
/// that is not `HTTP/d.d`) is refused at once, not after the header timeout. Empty lines before the
/// request line are allowed (RFC 9112 §2.2) but consumed and counted against the head limit.
public struct HTTPRequestParser: Sendable {
    /// The outcome of looking at the buffer.
    public enum Result: Sendable {
        /// The head is not complete yet; the caller drops the first `consumed` bytes (empty lines).
        case incomplete(consumed: Int)
        /// A complete head, which used `consumed` bytes (leading empty lines included).
        case complete(HTTPRequestHead, consumed: Int)
    }

    private enum Scan: Sendable {
        case method(Int), target, version(Int), requestLineLF
        case fieldStart, fieldName, fieldValue, fieldLF, headEndLF
    }

    /// The largest request line plus header section accepted (431 beyond), leading empty lines included.
    public var maximumHeadSize: Int
    /// The most header fields accepted (431 beyond).
    public var maximumHeaderCount: Int
    /// Where validation resumes (bytes before it, after the leading empty lines, are known good).
    private var scanned = 0
    private var scan = Scan.method(0)
    /// Empty-line bytes already consumed for the current request.
    private var leadingBytes = 0

    public init(maximumHeadSize: Int = 16 * 1024, maximumHeaderCount: Int = 100) {
        self.maximumHeadSize = maximumHeadSize
        self.maximumHeaderCount = maximumHeaderCount
    }

    /// Forgets the scan position (call after a head was consumed).
    public mutating func reset() {
        scanned = 0
        scan = .method(0)
        leadingBytes = 0
    }

    private static let versionPrefix = Array("HTTP/".utf8)

    /// Parses the head at the front of `bytes`.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(HTTPParseError) -> Result {
        var start = 0
        if scanned == 0 {
            while start + 1 < bytes.count && bytes[start] == 0x0D && bytes[start + 1] == 0x0A { start += 2 }
            leadingBytes += start
            if leadingBytes > maximumHeadSize { throw Self.headTooLarge(maximumHeadSize) }
            if start == bytes.count || (start + 1 == bytes.count && bytes[start] == 0x0D) {
                return .incomplete(consumed: start)
            }
        }
        let view = UnsafeRawBufferPointer(rebasing: bytes[start...])
        var index = scanned
        var end = -1
        while index < view.count {
            let byte = view[index]
            switch scan {
            case .method(let length):
                if byte == 0x20 {
                    guard length > 0 else { throw .bad("Malformed request line.") }
                    scan = .target
                } else {
                    guard length < 32, Self.isTokenCharacter(byte) else { throw .bad("Invalid method.") }
                    scan = .method(length + 1)
                }
            case .target:
                if byte == 0x20 {
                    scan = .version(0)
                } else if byte <= 0x20 || byte >= 0x7F {
                    throw .bad("Invalid request target.")
                }
            case .version(let position):
                if byte == 0x0D {
                    guard position == 8 else { throw .bad("Malformed request line.") }
                    scan = .requestLineLF
                } else if position < 5 {
                    guard byte == Self.versionPrefix[position] else { throw .bad("Malformed request line.") }
                    scan = .version(position + 1)
                } else if position == 5 || position == 7 {
                    guard byte >= 0x30 && byte <= 0x39 else { throw .bad("Malformed request line.") }
                    scan = .version(position + 1)
                } else if position == 6 {
                    guard byte == 0x2E else { throw .bad("Malformed request line.") }
                    scan = .version(7)
                } else {
                    throw .bad("Malformed request line.")
                }
            case .requestLineLF, .fieldLF:
                guard byte == 0x0A else { throw .bad("Bare CR in the request head.") }
                scan = .fieldStart
            case .fieldStart:
                if byte == 0x0D {
                    scan = .headEndLF
                } else if byte == 0x20 || byte == 0x09 {
                    throw .bad("Obsolete line folding is not accepted.")
                } else if Self.isTokenCharacter(byte) {
                    scan = .fieldName
                } else {
                    throw byte == 0x0A ? .bad("Bare LF line ending.") : .bad("Invalid header field name.")
                }
            case .fieldName:
                if byte == 0x3A {
                    scan = .fieldValue
                } else if !Self.isTokenCharacter(byte) {
                    throw byte == 0x0A || byte == 0x0D ? .bad("Malformed header field.") : .bad("Invalid header field name.")
                }
            case .fieldValue:
                if byte == 0x0D {
                    scan = .fieldLF
                } else if byte == 0x0A {
                    throw .bad("Bare LF line ending.")
                } else if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                    throw .bad("Control character in a header value.")
                }
            case .headEndLF:
                guard byte == 0x0A else { throw .bad("Bare CR in the request head.") }
                end = index + 1
            }
            index += 1
            if end >= 0 { break }
        }
        if end < 0 {
            scanned = view.count
            if leadingBytes + view.count > maximumHeadSize { throw Self.headTooLarge(maximumHeadSize) }
            return .incomplete(consumed: start)
        }
        guard leadingBytes + end <= maximumHeadSize else { throw Self.headTooLarge(maximumHeadSize) }
        let head = try parseHead(UnsafeRawBufferPointer(rebasing: view[0..<end - 2]))
        reset()
        return .complete(head, consumed: start + end)
    }

    private static func headTooLarge(_ limit: Int) -> HTTPParseError {
        HTTPParseError(431, "headers_too_large", "The request line and headers exceed \(limit) bytes.")
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
            guard let colon = field.firstIndex(of: 0x3A), colon > 0 else { throw .bad("Malformed header field.") }
            var valueStart = colon + 1
            var valueEnd = field.count
            while valueStart < valueEnd && (field[valueStart] == 0x20 || field[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (field[valueEnd - 1] == 0x20 || field[valueEnd - 1] == 0x09) { valueEnd -= 1 }
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
        let targetBytes = line[(firstSpace + 1)..<secondSpace]
        let version = line[(secondSpace + 1)...]
        let minor: Int
        if version.elementsEqual("HTTP/1.1".utf8) {
            minor = 1
        } else if version.elementsEqual("HTTP/1.0".utf8) {
            minor = 0
        } else {
            throw HTTPParseError(505, "http_version_not_supported", "Only HTTP/1.0 and HTTP/1.1 are supported.")
        }
        let method = String(decoding: UnsafeRawBufferPointer(rebasing: methodBytes), as: UTF8.self)
        var target = String(decoding: UnsafeRawBufferPointer(rebasing: targetBytes), as: UTF8.self)
        if target.hasPrefix("http://") || target.hasPrefix("https://") {
            // absolute-form: keep the path and query.
            let afterScheme = target[target.index(target.startIndex, offsetBy: target.hasPrefix("https://") ? 8 : 7)...]
            target = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        } else if target == "*" {
            guard method == "OPTIONS" else { throw .bad("'*' is only valid with OPTIONS.") }
            return HTTPRequestHead(method: method, target: target, pathSegments: [], minorVersion: minor,
                                   headers: HTTPHeaders())
        } else if !target.hasPrefix("/") {
            throw .bad("Invalid request target.")
        }
        let segments = try RequestPath.parse(target)
        return HTTPRequestHead(method: method, target: target, pathSegments: segments, minorVersion: minor,
                               headers: HTTPHeaders())
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
