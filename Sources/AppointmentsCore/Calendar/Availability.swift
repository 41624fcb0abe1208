import Foundation

/// An appointment as availability sees it: the interval it occupies and its room (cancelled ones are left out).
public struct BookedInterval: Sendable, Equatable {
    public var start: Date
    public var end: Date
    public var room: Int
    public init(start: Date, end: Date, room: Int = 0) {
        self.start = start
        self.end = end
        self.room = room
    }
}

/// Free start times for a treatment, computed from a company's ``BookingRules`` and its booked intervals.
///
/// A start is free when: it is on the slot grid of an opening range of its local day (not a closed day),
/// the whole treatment fits before that range closes, it is at least the minimum notice after now and
/// within the booking horizon, and one of the `capacity` rooms is free for the whole of `[start, end + buffer)`
/// (each appointment holds its room for its interval plus the buffer) — the rule the stores book by. Local days and times are the
/// company's time zone's, so a daylight-saving day has its real length and a local time the clocks skip is
/// never offered.
public struct Availability: Sendable {
    public let rules: BookingRules
    let calendar: Calendar

    public init(rules: BookingRules) {
        self.rules = rules
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = rules.timeZone
        self.calendar = calendar
    }

    /// The free starts between `from` and `through` (inclusive), earliest first, at most `limit`.
    /// - Parameters:
    ///   - booked: the company's active appointments overlapping the period (any order).
    ///   - partOfDay: only starts in that part of the day.
    public func freeStarts(minutes: Int, from: Date, through: Date, booked: [BookedInterval], now: Date,
                           partOfDay: PartOfDay? = nil, limit: Int = 1_000) -> [Date] {
        guard minutes > 0, limit > 0 else { return [] }
        let settings = rules.settings
        let earliest = max(from, now.addingTimeInterval(Double(settings.minimumNoticeMinutes) * 60))
        let latest = min(through, now.addingTimeInterval(Double(settings.horizonDays) * 86_400))
        guard earliest <= latest else { return [] }
        let occupied = Occupancy(booked, buffer: Double(settings.bufferMinutes) * 60)
        var cursor = 0  // candidates come in time order: the first interval that can matter only moves forward
        var found: [Date] = []
        var day = calendar.startOfDay(for: earliest)
        let first = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
        guard var local = LocalDay(year: first.year, month: first.month, day: first.day, weekday: first.weekday) else { return [] }
        while day <= latest, found.count < limit {
            // A day without a clock change (all but two a year) is 24 hours long and maps local minutes to
            // instants by adding seconds to its midnight; a change day asks the calendar for each local time.
            let zone = rules.timeZone
            let steady = zone.secondsFromGMT(for: day) == zone.secondsFromGMT(for: day.addingTimeInterval(86_400))
            let nextMidnight = steady ? day.addingTimeInterval(86_400) : localInstant(local.year, local.month, local.day, minute: 24 * 60)
            if !rules.closedDays.contains(local.key) {
                let (year, month, dayOfMonth) = (local.year, local.month, local.day)
                func instant(_ minute: Int) -> Date? {
                    steady ? day.addingTimeInterval(Double(minute) * 60) : localInstant(year, month, dayOfMonth, minute: minute)
                }
                for range in rules.openings[local.isoWeekday] ?? [] {
                    guard let close = instant(range.upperBound) else { continue }
                    var minute = range.lowerBound
                    while minute + minutes <= range.upperBound, found.count < limit {
                        defer { minute += settings.slotMinutes }
                        guard let start = instant(minute) else { continue }
                        let end = start.addingTimeInterval(Double(minutes) * 60)
                        guard start >= earliest, start <= latest, end <= close else { continue }
                        if let partOfDay, PartOfDay.of(hour: minute / 60) != partOfDay { continue }
                        if occupied.freeRoom(from: start, to: end.addingTimeInterval(occupied.buffer), rooms: settings.capacity, cursor: &cursor) != nil {
                            found.append(start)
                        }
                    }
                }
            }
            guard let next = nextMidnight else { break }
            day = next
            local.advance()
        }
        return found
    }

    /// Whether `start` is a bookable start for `minutes` (the same rules as ``freeStarts``), and if not, why.
    public func check(start: Date, minutes: Int, booked: [BookedInterval], now: Date) -> SlotProblem? {
        let settings = rules.settings
        if start < now { return .past }
        if start < now.addingTimeInterval(Double(settings.minimumNoticeMinutes) * 60) { return .tooSoon }
        if start > now.addingTimeInterval(Double(settings.horizonDays) * 86_400) { return .beyondHorizon }
        let offered = freeStarts(minutes: minutes, from: start, through: start, booked: [], now: now, limit: 1)
        guard offered.first == start else { return .outsideHours }
        let occupied = Occupancy(booked, buffer: Double(settings.bufferMinutes) * 60)
        let end = start.addingTimeInterval(Double(minutes) * 60)
        return occupied.freeRoom(from: start, to: end.addingTimeInterval(occupied.buffer), rooms: settings.capacity) != nil ? nil : .taken
    }

    /// Why a start cannot be booked.
    public enum SlotProblem: String, Sendable, Equatable {
        case past, tooSoon = "too_soon", beyondHorizon = "beyond_horizon", outsideHours = "outside_hours", taken
    }

    /// The instant of a local time, nil when the clocks skip it.
    func localInstant(_ year: Int, _ month: Int, _ day: Int, minute: Int) -> Date? {
        var parts = DateComponents()
        parts.year = year
        parts.month = month
        parts.day = day
        parts.hour = minute / 60
        parts.minute = minute % 60
        if minute == 24 * 60 {
            parts.hour = 0
            parts.minute = 0
            parts.day = day + 1
        }
        guard let date = calendar.date(from: parts) else { return nil }
        let back = calendar.dateComponents([.hour, .minute], from: date)
        return back.hour == parts.hour && back.minute == parts.minute ? date : nil
    }
}

/// A local calendar day walked one day at a time without the calendar (Gregorian rules).
struct LocalDay {
    var year: Int
    var month: Int
    var day: Int
    /// 1 = Monday … 7 = Sunday.
    var isoWeekday: Int

    /// From Foundation's components (`weekday` 1 = Sunday).
    init?(year: Int?, month: Int?, day: Int?, weekday: Int?) {
        guard let year, let month, let day, let weekday else { return nil }
        self.year = year
        self.month = month
        self.day = day
        isoWeekday = weekday == 1 ? 7 : weekday - 1
    }

    /// `yyyy-MM-dd`, as closed days are written.
    var key: String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(year)-\(two(month))-\(two(day))"
    }

    mutating func advance() {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        isoWeekday = isoWeekday % 7 + 1
        if day < length {
            day += 1
        } else if month < 12 {
            day = 1
            month += 1
        } else {
            day = 1
            month = 1
            year += 1
        }
    }
}

/// Booked intervals sorted by start, each occupying its room for `[start, end + buffer)`.
struct Occupancy {
    let intervals: [(start: Date, end: Date, room: Int)]
    let buffer: TimeInterval
    let longest: TimeInterval

    init(_ booked: [BookedInterval], buffer: TimeInterval) {
        self.buffer = buffer
        intervals = booked.map { ($0.start, $0.end.addingTimeInterval(buffer), $0.room) }.sorted { $0.start < $1.start }
        longest = intervals.map { $0.end.timeIntervalSince($0.start) }.max() ?? 0
    }

    /// The first room (0 ..< rooms) no interval occupies during `[from, to)`, if any.
    func freeRoom(from: Date, to: Date, rooms: Int) -> Int? {
        var cursor = 0
        return freeRoom(from: from, to: to, rooms: rooms, cursor: &cursor)
    }

    /// The same, for calls in increasing `from` order: `cursor` (start at 0) remembers the first interval
    /// that can still reach `from` (intervals start no earlier than `from − longest`).
    func freeRoom(from: Date, to: Date, rooms: Int, cursor: inout Int) -> Int? {
        let floor = from.addingTimeInterval(-longest)
        if cursor == 0 || cursor > intervals.count || (cursor > 0 && intervals[cursor - 1].start >= floor) {
            var low = 0, high = intervals.count
            while low < high {
                let middle = (low + high) / 2
                if intervals[middle].start < floor { low = middle + 1 } else { high = middle }
            }
            cursor = low
        } else {
            while cursor < intervals.count, intervals[cursor].start < floor { cursor += 1 }
        }
        let low = cursor
        // Rooms 0–63 as bits (no allocation); more rooms in a set.
        var busyBits: UInt64 = 0
        var busyOthers = Set<Int>()
        var index = low
        while index < intervals.count, intervals[index].start < to {
            let interval = intervals[index]
            if interval.end > from {
                if (0..<64).contains(interval.room) { busyBits |= 1 << UInt64(interval.room) } else { busyOthers.insert(interval.room) }
            }
            index += 1
        }
        return (0..<max(1, rooms)).first { $0 < 64 ? busyBits & (1 << UInt64($0)) == 0 : !busyOthers.contains($0) }
    }
}
