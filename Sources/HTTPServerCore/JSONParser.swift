/// A strict JSON parser (RFC 8259) from UTF-8 bytes straight to ``JSONValue``.
///
/// Request bodies are parsed on every JSON route (the tenant resolver looks for `company_id`, several
/// routes read the body as a value), so this replaces Foundation's `JSONDecoder` for untyped values: one
/// pass over the bytes, no intermediate representation, no thrown errors on the way (Foundation's decoder
/// tried each `JSONValue` case in turn). Strictness: no comments, no trailing commas, no leading zeros or
/// bare `.5`, no control characters or invalid UTF-8 in strings, no lone surrogates in `\u` escapes,
/// nothing after the value but whitespace, at most ``maximumDepth`` nested containers. A repeated object
/// key keeps its last value.
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 64

    /// Why a body is not JSON, with the byte offset where parsing stopped.
    public struct Failure: Error, Sendable, Equatable {
        public let offset: Int
        public let reason: String
    }

    /// The value in `bytes`.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Failure) -> JSONValue in
            var reader = Reader(bytes: buffer)
            reader.skipWhitespace()
            let value = try reader.value(depth: 0)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.failure("unexpected content after the value") }
            return value
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard let byte = current else { throw failure("unexpected end of the body") }
            switch byte {
            case 0x7B: return try object(depth: depth + 1)
            case 0x5B: return try array(depth: depth + 1)
            case 0x22: return .string(try string())
            case 0x74: try literal("true"); return .bool(true)
            case 0x66: try literal("false"); return .bool(false)
            case 0x6E: try literal("null"); return .null
            case 0x2D, 0x30...0x39: return .number(try number())
            default: throw failure("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw failure("unexpected end of the body") }
            for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
                throw failure("unexpected character")
            }
            position += count
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw failure("nested deeper than \(JSONParser.maximumDepth) levels") }
            position += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if current == 0x7D {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard current == 0x22 else { throw failure("expected a member name") }
                let key = try string()
                skipWhitespace()
                guard current == 0x3A else { throw failure("expected ':'") }
                position += 1
                skipWhitespace()
                members[key] = try value(depth: depth)
                skipWhitespace()
                switch current {
                case 0x2C: position += 1
                case 0x7D:
                    position += 1
                    return .object(members)
                default: throw failure("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw failure("nested deeper than \(JSONParser.maximumDepth) levels") }
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if current == 0x5D {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth))
                skipWhitespace()
                switch current {
                case 0x2C: position += 1
                case 0x5D:
                    position += 1
                    return .array(items)
                default: throw failure("expected ',' or ']'")
                }
            }
        }

        /// A string; `position` is at its opening quote.
        mutating func string() throws(Failure) -> String {
            position += 1
            let start = position
            // The common case: no escapes, so the bytes are the string.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == 0x22 {
                    let text = try validated(UnsafeBufferPointer(rebasing: bytes[start..<position]), at: start)
                    position += 1
                    return text
                }
                if byte == 0x5C { break }
                if byte < 0x20 { throw failure("control character in a string") }
                position += 1
            }
            var decoded = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                switch byte {
                case 0x22:
                    position += 1
                    return try decoded.withUnsafeBufferPointer { (buffer) throws(Failure) -> String in try validated(buffer, at: start) }
                case 0x5C:
                    position += 1
                    guard let escape = current else { throw failure("unexpected end of the body") }
                    position += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: decoded.append(escape)
                    case 0x62: decoded.append(0x08)
                    case 0x66: decoded.append(0x0C)
                    case 0x6E: decoded.append(0x0A)
                    case 0x72: decoded.append(0x0D)
                    case 0x74: decoded.append(0x09)
                    case 0x75: appendUTF8(try unicodeEscape(), to: &decoded)
                    default: throw failure("invalid escape")
                    }
                default:
                    if byte < 0x20 { throw failure("control character in a string") }
                    decoded.append(byte)
                    position += 1
                }
            }
            throw failure("unterminated string")
        }

        func validated(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Failure) -> String {
            guard let text = String(validating: buffer, as: UTF8.self) else { throw Failure(offset: offset, reason: "invalid UTF-8 in a string") }
            return text
        }

        /// The scalar of a `\uXXXX` escape (a surrogate pair when it is one); `position` is after the `u`.
        mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
            let first = try hexQuad()
            if (0xD800...0xDBFF).contains(first) {
                guard position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == 0x75 else {
                    throw failure("lone surrogate in a \\u escape")
                }
                position += 2
                let second = try hexQuad()
                guard (0xDC00...0xDFFF).contains(second), let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
                    throw failure("lone surrogate in a \\u escape")
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(first) else { throw failure("lone surrogate in a \\u escape") }
            return scalar
        }

        mutating func hexQuad() throws(Failure) -> UInt32 {
            guard position + 4 <= bytes.count else { throw failure("unexpected end of the body") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw failure("invalid \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
            output.append(contentsOf: UTF8.encode(scalar).map { Array($0) } ?? [])
        }

        /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        mutating func number() throws(Failure) -> Double {
            let start = position
            if current == 0x2D { position += 1 }
            guard let first = current, (0x30...0x39).contains(first) else { throw failure("invalid number") }
            position += 1
            if first != 0x30 { skipDigits() }
            if current == 0x2E {
                position += 1
                guard skipDigits() > 0 else { throw failure("invalid number") }
            }
            if current == 0x65 || current == 0x45 {
                position += 1
                if current == 0x2B || current == 0x2D { position += 1 }
                guard skipDigits() > 0 else { throw failure("invalid number") }
            }
            guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)),
                  value.isFinite else {
                throw Failure(offset: start, reason: "number out of range")
            }
            return value
        }

        @discardableResult
        mutating func skipDigits() -> Int {
            let start = position
            while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
            return position - start
        }
    }
}
