/// Incremental `multipart/form-data` parser (RFC 7578) with limits per part and on the number of parts.
///
/// Feed it the body as it arrives; it returns each part once complete, holding at most one part plus a
/// delimiter's worth of bytes.
public struct MultipartParser: Sendable {
    /// One part of the form.
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var contentType: String?
        public var headers: HTTPHeaders
        public var body: [UInt8]
    }

    private enum State: Sendable { case preamble, headers, body, afterDelimiter, done }

    private let delimiter: [UInt8]  // "\r\n--" + boundary
    private let maximumPartSize: Int
    private let maximumParts: Int
    private let maximumHeaderSize: Int
    private var state = State.preamble
    private var buffer: [UInt8] = []
    private var current: Part?
    private var partCount = 0

    /// Creates a parser for `boundary` (see ``boundary(fromContentType:)``).
    public init(boundary: String, maximumPartSize: Int = 10 * 1024 * 1024, maximumParts: Int = 32,
                maximumHeaderSize: Int = 8 * 1024) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.maximumPartSize = maximumPartSize
        self.maximumParts = maximumParts
        self.maximumHeaderSize = maximumHeaderSize
        buffer = [0x0D, 0x0A]  // lets the first boundary match the same delimiter as the others
    }

    /// The boundary of a `multipart/form-data` content type, or nil.
    public static func boundary(fromContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingSpaces() }
        guard let type = parts.first, type.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingSpaces()
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = value.dropFirst().dropLast() }
            guard !value.isEmpty, value.utf8.count <= 70 else { return nil }
            return String(value)
        }
        return nil
    }

    /// Whether the closing delimiter has been seen.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Consumes `bytes` and returns the parts completed by them.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(HTTPError) -> [Part] {
        guard !isComplete else { return [] }
        buffer.append(contentsOf: bytes)
        var completed: [Part] = []
        while true {
            switch state {
            case .done:
                return completed
            case .preamble:
                guard let index = find(delimiter, in: buffer) else {
                    // Keep only what could still start a delimiter.
                    if buffer.count > delimiter.count { buffer.removeFirst(buffer.count - delimiter.count) }
                    return completed
                }
                buffer.removeFirst(index + delimiter.count)
                state = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count >= 2 else { return completed }
                if buffer[0] == 0x2D && buffer[1] == 0x2D {
                    state = .done
                    buffer = []
                    return completed
                }
                // Transport padding (spaces/tabs) may follow the boundary before CRLF.
                guard let lineEnd = find([0x0D, 0x0A], in: buffer) else {
                    if buffer.count > 256 { throw Self.malformed("invalid boundary line") }
                    return completed
                }
                guard buffer[..<lineEnd].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else {
                    throw Self.malformed("invalid boundary line")
                }
                buffer.removeFirst(lineEnd + 2)
                partCount += 1
                guard partCount <= maximumParts else {
                    throw HTTPError(status: 413, code: "too_many_parts", message: "The form has more than \(maximumParts) parts.")
                }
                state = .headers
            case .headers:
                guard let end = find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer) ?? (buffer.starts(with: [0x0D, 0x0A]) ? -2 : nil) else {
                    if buffer.count > maximumHeaderSize { throw Self.malformed("part headers are too large") }
                    return completed
                }
                let headerBytes = end < 0 ? [] : Array(buffer[..<end])
                buffer.removeFirst(end < 0 ? 2 : end + 4)
                current = try Self.parsePartHeaders(headerBytes)
                state = .body
            case .body:
                if let index = find(delimiter, in: buffer) {
                    guard var part = current else { throw Self.malformed("part without headers") }
                    part.body.append(contentsOf: buffer[..<index])
                    guard part.body.count <= maximumPartSize else { throw tooLarge(part.name) }
                    completed.append(part)
                    current = nil
                    buffer.removeFirst(index + delimiter.count)
                    state = .afterDelimiter
                } else {
                    // Move everything that cannot be the start of a delimiter into the part.
                    let keep = min(buffer.count, delimiter.count - 1)
                    let move = buffer.count - keep
                    if move > 0, var part = current {
                        part.body.append(contentsOf: buffer[..<move])
                        guard part.body.count <= maximumPartSize else { throw tooLarge(part.name) }
                        current = part
                        buffer.removeFirst(move)
                    }
                    return completed
                }
            }
        }
    }

    /// Checks that the form ended with its closing delimiter.
    public func finish() throws(HTTPError) {
        guard isComplete else { throw Self.malformed("the form is truncated (no closing boundary)") }
    }

    private func tooLarge(_ name: String) -> HTTPError {
        HTTPError(status: 413, code: "part_too_large", message: "Form part '\(name)' exceeds \(maximumPartSize) bytes.")
    }

    private static func malformed(_ detail: String) -> HTTPError {
        HTTPError(status: 400, code: "invalid_multipart", message: "Malformed multipart body: \(detail).")
    }

    private static func parsePartHeaders(_ bytes: [UInt8]) throws(HTTPError) -> Part {
        var headers = HTTPHeaders()
        if !bytes.isEmpty {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw malformed("part headers are not UTF-8") }
            for line in text.components(separatedBy: "\r\n") {
                guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                    throw malformed("invalid part header")
                }
                headers.add(String(line[..<colon]), String(line[line.index(after: colon)...].trimmingSpaces()))
            }
        }
        guard let disposition = headers["Content-Disposition"] else { throw malformed("part without Content-Disposition") }
        var name: String?
        var filename: String?
        for parameter in disposition.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var value = pair[1].trimmingSpaces()
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 { value = value.dropFirst().dropLast() }
            switch pair[0].trimmingSpaces().lowercased() {
            case "name": name = String(value)
            case "filename": filename = String(value)
            default: break
            }
        }
        guard let name else { throw malformed("part without a name") }
        return Part(name: name, filename: filename, contentType: headers["Content-Type"], headers: headers, body: [])
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count, let first = needle.first else { return nil }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
