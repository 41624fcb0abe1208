/// A reply from Redis (RESP2).
public enum RedisValue: Sendable, Equatable {
    /// A bulk string: binary-safe bytes.
    case bulk([UInt8])
    /// A simple status reply such as `OK`.
    case status(String)
    case integer(Int64)
    case array([RedisValue])
    /// The nil bulk string or nil array.
    case null
    /// An error reply (`ERR ...`, `WRONGTYPE ...`, `NOSCRIPT ...`).
    case error(String)

    /// The bulk string or status as text (UTF-8).
    public var string: String? {
        switch self {
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    /// The bulk string's bytes.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let bytes): return bytes
        case .status(let text): return Array(text.utf8)
        default: return nil
        }
    }

    /// The integer, or a bulk string holding one.
    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulk(let bytes): return Int64(String(decoding: bytes, as: UTF8.self))
        default: return nil
        }
    }

    /// The elements of an array reply (nil stays nil).
    public var array: [RedisValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// A flat field–value array (an `HGETALL` reply, a stream entry's fields) as a dictionary by field name;
    /// empty for anything else. A field that is not text is skipped; an odd last element is ignored.
    public var fieldValues: [String: RedisValue] {
        guard let items = array else { return [:] }
        var fields: [String: RedisValue] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let name = items[index].string { fields[name] = items[index + 1] }
        }
        return fields
    }

    public var isNull: Bool { self == .null }

    /// The error message of an error reply.
    public var errorMessage: String? {
        if case .error(let message) = self { return message }
        return nil
    }
}
