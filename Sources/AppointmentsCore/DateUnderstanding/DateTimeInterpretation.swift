import Foundation

/// What the date and time understanding made of a patient's words, in the company's time zone.
///
/// `start`..`end` is the interval meant: a whole day for a date alone, the part of the day's hours for
/// "el viernes por la tarde", one instant (end = start) for a precise time. Whatever the words leave
/// open or could mean two ways is listed in `ambiguities` (and `ambiguous` is set): a guess is never made
/// silently. `past` says the interval ends before "now".
public struct DateTimeInterpretation: Sendable, Equatable {
    /// The local calendar day meant, if any (`yyyy-MM-dd`).
    public var date: String?
    /// The local time meant, if any (`HH:mm`).
    public var time: String?
    public var partOfDay: PartOfDay?
    public var start: Date?
    public var end: Date?
    public var ambiguities: [String]
    public var past: Bool
    /// The words that were understood, as found in the text.
    public var matched: [String]

    public var ambiguous: Bool { !ambiguities.isEmpty }
    /// Whether anything about a date or time was found.
    public var understood: Bool { date != nil || time != nil || partOfDay != nil }

    public init(date: String? = nil, time: String? = nil, partOfDay: PartOfDay? = nil, start: Date? = nil, end: Date? = nil,
                ambiguities: [String] = [], past: Bool = false, matched: [String] = []) {
        self.date = date
        self.time = time
        self.partOfDay = partOfDay
        self.start = start
        self.end = end
        self.ambiguities = ambiguities
        self.past = past
        self.matched = matched
    }
}
