/// A value bound to a statement parameter or read from a result column.
public enum SQLiteValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The integer, when this is one.
    public var integerValue: Int64? { if case .integer(let value) = self { return value }; return nil }
    /// The number as a `Double` (integers converted), when this is one.
    public var realValue: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }
    /// The text, when this is text.
    public var textValue: String? { if case .text(let value) = self { return value }; return nil }
    /// The bytes, when this is a blob (text is returned as its UTF-8 bytes).
    public var blobValue: [UInt8]? {
        switch self {
        case .blob(let value): return value
        case .text(let value): return Array(value.utf8)
        default: return nil
        }
    }
    /// Whether this is SQL NULL.
    public var isNull: Bool { self == .null }
}

extension SQLiteValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(nilLiteral: ()) { self = .null }
}

extension SQLiteValue {
    /// `.text(value)`, or `.null` for nil.
    public static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    /// `.integer(value)` for any integer type.
    public static func integer<I: BinaryInteger>(_ value: I) -> SQLiteValue { .integer(Int64(truncatingIfNeeded: value)) }
}
