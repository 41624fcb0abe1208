/// The identifier of a company (tenant): `^[a-z0-9][a-z0-9_-]{1,49}$`.
///
/// Everything tenant-scoped is keyed by this type rather than by a loose string, so a value that has not
/// been validated cannot reach storage or another service by accident.
public struct CompanyID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The validated identifier.
    public let rawValue: String

    /// Validates `text`; nil when it is not a well-formed company id.
    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        rawValue = text
    }

    /// Whether `text` is a well-formed company id.
    public static func isValid(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8.count <= 50 else { return false }
        func lowerOrDigit(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) }
        guard lowerOrDigit(utf8[0]) else { return false }
        return utf8.dropFirst().allSatisfy { lowerOrDigit($0) || $0 == 0x5F || $0 == 0x2D }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard Self.isValid(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not a valid company id"))
        }
        rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (a: CompanyID, b: CompanyID) -> Bool { a.rawValue < b.rawValue }
}
