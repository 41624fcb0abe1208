/// The path of a request target, split into segments before percent-decoding.
///
/// Splitting first means an encoded slash (`%2F`) stays inside its segment and can never create a new
/// one, and the router matches segments, not a decoded string. Dot segments (`.`, `..`, also as `%2e`) and
/// segments that decode to a control character or invalid UTF-8 are refused as 400 `invalid_path`, so
/// they never reach a handler.
///
/// Both entry points make one pass over the target's UTF-8 bytes; a segment without `%` becomes a
/// `String` straight from its bytes, with no decoding step.
public enum RequestPath {
    /// The decoded, non-empty segments of the path of `target` (the part before `?`), refusing dot
    /// segments, malformed escapes, invalid UTF-8 and control characters. The parser calls this once per
    /// request and stores the result in ``HTTPRequestHead/pathSegments``.
    public static func parse(_ target: String) throws(HTTPParseError) -> [String] {
        var target = target
        // `withUTF8` only rethrows untyped errors, so the typed error travels out as a `Result`.
        return try target.withUTF8 { bytes in
            Result { () throws(HTTPParseError) in try split(bytes, strict: true) }
        }.get()
    }

    /// The same segments for a target that did not come off the wire (tests, internal callers):
    /// malformed escapes are kept as they are and nothing is refused.
    public static func segments(of target: String) -> [String] {
        var target = target
        return target.withUTF8 { bytes in
            (try? split(bytes, strict: false)) ?? []
        }
    }

    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, strict: Bool) throws(HTTPParseError) -> [String] {
        var segments: [String] = []
        var start = 0
        var hasEscape = false
        var index = 0
        while true {
            let atEnd = index == bytes.count || bytes[index] == UInt8(ascii: "?")
            if atEnd || bytes[index] == UInt8(ascii: "/") {
                if index > start {
                    let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    segments.append(try segment(raw, hasEscape: hasEscape, strict: strict))
                }
                if atEnd { return segments }
                start = index + 1
                hasEscape = false
            } else if bytes[index] == UInt8(ascii: "%") {
                hasEscape = true
            }
            index += 1
        }
    }

    private static func segment(_ raw: UnsafeBufferPointer<UInt8>, hasEscape: Bool,
                                strict: Bool) throws(HTTPParseError) -> String {
        guard hasEscape else {
            if strict { try refuseDotSegment(raw) }
            return String(decoding: raw, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                index += 1
                continue
            }
            guard index + 2 < raw.count, let high = PercentDecoding.hexValue(raw[index + 1]),
                  let low = PercentDecoding.hexValue(raw[index + 2]) else {
                if strict {
                    throw HTTPParseError(400, "invalid_path", "The request path has a malformed percent-encoding.")
                }
                // Lenient: a malformed escape keeps the whole segment as sent.
                return String(decoding: raw, as: UTF8.self)
            }
            decoded.append(high << 4 | low)
            index += 3
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            if strict { throw HTTPParseError(400, "invalid_path", "The request path has a malformed percent-encoding.") }
            return String(decoding: raw, as: UTF8.self)
        }
        if strict {
            try decoded.withUnsafeBufferPointer { bytes throws(HTTPParseError) in try refuseDotSegment(bytes) }
            if decoded.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                throw HTTPParseError(400, "invalid_path", "The request path may not contain control characters.")
            }
        }
        return text
    }

    private static func refuseDotSegment(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) {
        let dot = UInt8(ascii: ".")
        if (bytes.count == 1 && bytes[0] == dot) || (bytes.count == 2 && bytes[0] == dot && bytes[1] == dot) {
            throw HTTPParseError(400, "invalid_path", "The request path may not contain '.' or '..' segments.")
        }
    }
}
