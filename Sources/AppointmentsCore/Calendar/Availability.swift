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
        var found: [Date] = []
        var day = calendar.startOfDay(for: earliest)
        while day <= latest, found.count < limit {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday else { break }
            let key = String(format: "%04d-%02d-%02d", year, month, dayOfMonth)
            let isoWeekday = weekday == 1 ? 7 : weekday - 1
            if !rules.closedDays.contains(key) {
                for range in rules.openings[isoWeekday] ?? [] {
                    guard let close = localInstant(year, month, dayOfMonth, minute: range.upperBound) else { continue }
                    var minute = range.lowerBound
                    while minute + minutes <= range.upperBound, found.count < limit {
                        defer { minute += settings.slotMinutes }
                        guard let start = localInstant(year, month, dayOfMonth, minute: minute) else { continue }
                        let end = start.addingTimeInterval(Double(minutes) * 60)
                        guard start >= earliest, start <= latest, end <= close else { continue }
                        if let partOfDay, PartOfDay.of(hour: minute / 60) != partOfDay { continue }
                        if occupied.freeRoom(from: start, to: end.addingTimeInterval(occupied.buffer), rooms: settings.capacity) != nil {
                            found.append(start)
                        }
                    }
                }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = calendar.startOfDay(for: next)
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
        // Intervals that can reach `from` start no earlier than `from − longest`.
        var low = 0, high = intervals.count
        let floor = from.addingTimeInterval(-longest)
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].start < floor { low = middle + 1 } else { high = middle }
        }
        var busy = Set<Int>()
        var index = low
        while index < intervals.count, intervals[index].start < to {
            if intervals[index].end > from { busy.insert(intervals[index].room) }
            index += 1
        }
        return (0..<max(1, rooms)).first { !busy.contains($0) }
    }
}
