/// A part of the day as patients name it ("por la mañana", "this afternoon"), with the hours it covers in
/// the company's time zone. The same ranges filter availability.
public enum PartOfDay: String, Sendable, Codable, CaseIterable {
    case morning
    case afternoon
    case evening

    /// The local hours covered: `start` inclusive, `end` exclusive.
    public var hours: (start: Int, end: Int) {
        switch self {
        case .morning: return (6, 12)
        case .afternoon: return (12, 20)
        case .evening: return (20, 24)
        }
    }

    /// The part of the day a local time falls in (nil before 06:00).
    public static func of(hour: Int) -> PartOfDay? {
        allCases.first { $0.hours.start <= hour && hour < $0.hours.end }
    }

    /// Spanish and English names (folded, without accents), including the words of the availability filter.
    public init?(name: String) {
        switch name {
        case "morning", "manana", "mananas": self = .morning
        case "afternoon", "tarde", "tardes": self = .afternoon
        case "evening", "night", "noche", "noches": self = .evening
        default: return nil
        }
    }
}
