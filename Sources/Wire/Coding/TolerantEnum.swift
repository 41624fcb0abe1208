/// An enum carried in Wire messages that an older reader must survive: a raw value it does not know
/// decodes as ``unknownCase`` instead of failing the whole message.
///
/// Plain `Codable` enums fail on an unknown case (`typeMismatch`); an enum whose set of cases is expected
/// to grow (a status, a kind of event) adopts this protocol and gets the tolerant decoding for free.
public protocol TolerantEnum: RawRepresentable, Codable where RawValue: Codable {
    /// The case an unknown raw value decodes as.
    static var unknownCase: Self { get }
}

extension TolerantEnum {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(RawValue.self)
        self = Self(rawValue: raw) ?? Self.unknownCase
    }
}
