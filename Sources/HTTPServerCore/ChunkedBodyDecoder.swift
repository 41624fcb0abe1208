/// Decodes a `Transfer-Encoding: chunked` body incrementally, with a limit on the decoded size and strict
/// syntax: hexadecimal sizes (no overflow), CRLF after every size line and chunk, bounded extensions and trailers.
public struct ChunkedBodyDecoder: Sendable {
    private enum State: Sendable {
        case size(value: UInt64, digits: Int)
        case sizeExtension(length: Int)
        case sizeLineFeed
        case data(remaining: UInt64)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine(length: Int)
        case trailerLineFeed(emptyLine: Bool)
        case done
    }

    private var state = State.size(value: 0, digits: 0)
    private var pendingSize: UInt64 = 0
    private var lastChunk = false
    private var trailerBytes = 0
    /// The largest decoded body accepted (413 beyond).
    public let limit: Int

    public init(limit: Int) { self.limit = limit }

    /// Whether the terminating chunk and trailers have been read.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes from `bytes`, appending data to `body`; returns how many bytes were consumed.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch state {
            case .done:
                return index
            case .size(let value, let digits):
                if let digit = PercentDecoding.hexValue(byte) {
                    guard digits < 15 else { throw .bad("Chunk size is too large.") }
                    state = .size(value: value << 4 | UInt64(digit), digits: digits + 1)
                } else {
                    guard digits > 0 else { throw .bad("Invalid chunk size.") }
                    pendingSize = value
                    lastChunk = value == 0
                    if body.count + Int(clamping: value) > limit {
                        throw HTTPParseError(413, "payload_too_large", "The request body exceeds \(limit) bytes.")
                    }
                    switch byte {
                    case 0x3B, 0x20, 0x09: state = .sizeExtension(length: 1)
                    case 0x0D: state = .sizeLineFeed
                    default: throw .bad("Invalid chunk size.")
                    }
                }
                index += 1
            case .sizeExtension(let length):
                if byte == 0x0D {
                    state = .sizeLineFeed
                } else {
                    guard byte == 0x09 || (byte >= 0x20 && byte != 0x7F), length < 1_024 else {
                        throw .bad("Invalid chunk extension.")
                    }
                    state = .sizeExtension(length: length + 1)
                }
                index += 1
            case .sizeLineFeed:
                guard byte == 0x0A else { throw .bad("Chunk size line must end with CRLF.") }
                state = lastChunk ? .trailerLineStart : .data(remaining: pendingSize)
                index += 1
            case .data(let remaining):
                let available = UInt64(bytes.count - index)
                let take = Int(min(remaining, available))
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<index + take]))
                index += take
                let left = remaining - UInt64(take)
                state = left == 0 ? .dataCarriageReturn : .data(remaining: left)
            case .dataCarriageReturn:
                guard byte == 0x0D else { throw .bad("Chunk data must be followed by CRLF.") }
                state = .dataLineFeed
                index += 1
            case .dataLineFeed:
                guard byte == 0x0A else { throw .bad("Chunk data must be followed by CRLF.") }
                state = .size(value: 0, digits: 0)
                index += 1
            case .trailerLineStart:
                if byte == 0x0D {
                    state = .trailerLineFeed(emptyLine: true)
                } else {
                    guard byte != 0x0A else { throw .bad("Bare LF in trailers.") }
                    state = .trailerLine(length: 1)
                }
                trailerBytes += 1
                index += 1
            case .trailerLine(let length):
                trailerBytes += 1
                guard trailerBytes <= 16 * 1_024 else {
                    throw HTTPParseError(431, "headers_too_large", "Trailers are too large.")
                }
                if byte == 0x0D {
                    state = .trailerLineFeed(emptyLine: false)
                } else {
                    guard byte != 0x0A, byte != 0x00 else { throw .bad("Invalid trailer line.") }
                    state = .trailerLine(length: length + 1)
                }
                index += 1
            case .trailerLineFeed(let emptyLine):
                guard byte == 0x0A else { throw .bad("Trailer lines must end with CRLF.") }
                state = emptyLine ? .done : .trailerLineStart
                index += 1
                if emptyLine { return index }
            }
        }
        return index
    }
}
