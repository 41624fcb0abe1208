import Foundation

/// Understands how patients write dates and times, in Spanish and English, relative to "now" in the
/// company's time zone: "hoy", "mañana", "pasado mañana", weekdays ("el viernes", "este jueves", "el próximo
/// lunes", "Friday next week"), dates ("15 de diciembre", "15/12", "15-12-2026", "diciembre 15", "Dec 15th"),
/// offsets ("dentro de dos semanas", "in 3 days"), times ("a las 3", "3 pm", "3:30", "15h", "a las 4 y media",
/// "al mediodía") and parts of the day ("en la tarde", "this Friday afternoon"), tolerating missing accents
/// and small typos.
///
/// It never guesses silently: a time that could be morning or afternoon ("a las 3"), a numeric date an
/// English writer may have meant month-first, a weekday that is today, a weekday that contradicts the date,
/// two different dates in one message, a local time that does not exist or happens twice on a
/// daylight-saving change — each is listed in ``DateTimeInterpretation/ambiguities``; an interval that ends
/// before now is marked ``DateTimeInterpretation/past``.
public struct DateTimeParser: Sendable {
    public let timeZone: TimeZone
    let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        self.calendar = calendar
    }

    /// The longest text looked at (a message may be longer; dates come early in practice).
    static let maximumLength = 500

    /// What `text` says about a date and time, relative to `now`.
    public func interpret(_ text: String, now: Date) -> DateTimeInterpretation {
        var scan = Scan(tokens: DateToken.tokens(of: String(text.prefix(Self.maximumLength))), today: localDay(of: now), parser: self)
        scan.run()
        return resolve(scan, now: now)
    }

    /// A local calendar day.
    struct Day: Sendable, Equatable, Hashable, Comparable {
        var year: Int
        var month: Int
        var day: Int
        static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
        var text: String { String(format: "%04d-%02d-%02d", year, month, day) }
    }

    func localDay(of date: Date) -> Day {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return Day(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The day `days` after `day` (calendar arithmetic at noon, immune to daylight-saving shifts).
    func adding(days: Int, to day: Day) -> Day {
        guard let noon = instant(day, hour: 12, minute: 0)?.date, let moved = calendar.date(byAdding: .day, value: days, to: noon) else { return day }
        return localDay(of: moved)
    }

    func adding(months: Int, to day: Day) -> Day {
        guard let noon = instant(day, hour: 12, minute: 0)?.date, let moved = calendar.date(byAdding: .month, value: months, to: noon) else { return day }
        return localDay(of: moved)
    }

    /// ISO weekday of a day (1 = Monday … 7 = Sunday).
    func weekday(of day: Day) -> Int {
        guard let noon = instant(day, hour: 12, minute: 0)?.date else { return 1 }
        let value = calendar.component(.weekday, from: noon)  // 1 = Sunday
        return value == 1 ? 7 : value - 1
    }

    /// Whether the day exists (no 31 April).
    func isValid(_ day: Day) -> Bool {
        guard (1...12).contains(day.month), (1...31).contains(day.day), (1900...2200).contains(day.year) else { return false }
        return instant(day, hour: 12, minute: 0).map { localDay(of: $0.date) == day } ?? false
    }

    /// The instant of a local time on a day, and what is odd about it on a daylight-saving change: a time
    /// that does not exist (clocks jump over it; the instant is the one after the gap) or that happens twice
    /// (the first is taken).
    func instant(_ day: Day, hour: Int, minute: Int) -> (date: Date, oddity: String?)? {
        var parts = DateComponents()
        parts.year = day.year
        parts.month = day.month
        parts.day = day.day
        parts.hour = hour
        parts.minute = minute
        guard let date = calendar.date(from: parts) else { return nil }
        let back = calendar.dateComponents([.hour, .minute], from: date)
        if back.hour != hour || back.minute != minute {
            return (date, String(format: "%02d:%02d does not exist on %@ (the clocks jump forward)", hour, minute, day.text))
        }
        let hourEarlier = date.addingTimeInterval(-3600), hourLater = date.addingTimeInterval(3600)
        for other in [hourEarlier, hourLater] {
            let seen = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: other)
            if seen.hour == hour, seen.minute == minute, seen.day == day.day {
                return (min(date, other), String(format: "%02d:%02d happens twice on %@ (the clocks go back); the first is taken", hour, minute, day.text))
            }
        }
        return (date, nil)
    }
}
