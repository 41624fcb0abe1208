import Foundation
import Testing
import Wire
@testable import AppointmentsCore

struct AvailabilityTests {
    static let hours = ["monday": ["09:00-13:00", "15:00-19:00"], "tuesday": ["09:00-13:00", "15:00-19:00"],
                        "wednesday": ["09:00-13:00", "15:00-19:00"], "thursday": ["09:00-13:00", "15:00-19:00"],
                        "friday": ["09:00-14:00"], "saturday": ["10:00-13:00"]]

    func rules(_ settings: BookingSettings = BookingSettings(minimumNoticeMinutes: 0)) throws -> BookingRules {
        try BookingRules(timeZone: "Europe/Madrid", businessHours: Self.hours,
                         treatments: ["botox": 45, "limpieza": 60, "consulta": 30], settings: settings)
    }

    func madrid(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Europe/Madrid")
        return formatter.date(from: text) ?? Date.distantPast
    }

    func local(_ dates: [Date]) -> [String] {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Europe/Madrid")
        formatter.dateFormat = "EEE HH:mm"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return dates.map { formatter.string(from: $0) }
    }

    /// Monday 7 December 2026, 08:00 in Madrid.
    var monday: Date { madrid("2026-12-07T08:00:00+01:00") }

    @Test func aLunchBreak_AndA45MinuteTreatmentOnA15MinuteGrid() throws {
        let availability = Availability(rules: try rules())
        let starts = availability.freeStarts(minutes: 45, from: monday, through: madrid("2026-12-07T23:00:00+01:00"), booked: [], now: monday)
        let shown = local(starts)
        // 09:00 … 12:15 (ends 13:00), then 15:00 … 18:15: nothing overlaps the break or runs past closing.
        #expect(shown.first == "Mon 09:00" && shown.contains("Mon 12:15") && !shown.contains("Mon 12:30"))
        #expect(shown.contains("Mon 15:00") && shown.contains("Mon 18:15") && !shown.contains("Mon 18:30") && !shown.contains("Mon 13:00"))
        #expect(starts.count == 14 + 14)
    }

    @Test func bookings_Buffers_AndCapacity() throws {
        let one = Availability(rules: try rules(BookingSettings(bufferMinutes: 15, minimumNoticeMinutes: 0)))
        let booked = [BookedInterval(start: madrid("2026-12-07T10:00:00+01:00"), end: madrid("2026-12-07T11:00:00+01:00"))]
        let morning = local(one.freeStarts(minutes: 30, from: monday, through: madrid("2026-12-07T13:00:00+01:00"), booked: booked, now: monday))
        // 09:15 ends at 09:45 and its buffer at 10:00, when the booking starts: free; 09:30 would overlap; 11:15 is
        // the first start after the booking and its buffer.
        #expect(morning == ["Mon 09:00", "Mon 09:15", "Mon 11:15", "Mon 11:30", "Mon 11:45", "Mon 12:00", "Mon 12:15", "Mon 12:30"])

        let two = Availability(rules: try rules(BookingSettings(capacity: 2, minimumNoticeMinutes: 0)))
        let overlapping = [BookedInterval(start: madrid("2026-12-07T10:00:00+01:00"), end: madrid("2026-12-07T11:00:00+01:00"), room: 0),
                           BookedInterval(start: madrid("2026-12-07T10:30:00+01:00"), end: madrid("2026-12-07T11:30:00+01:00"), room: 1)]
        let slots = local(two.freeStarts(minutes: 30, from: madrid("2026-12-07T09:30:00+01:00"), through: madrid("2026-12-07T11:30:00+01:00"),
                                         booked: overlapping, now: monday))
        // Two rooms: until 10:30 one room is free (10:00–10:30 overlaps only the first booking, the second starts as it
        // ends); 10:15–10:45 would meet both; from 11:00 only the second runs.
        #expect(slots == ["Mon 09:30", "Mon 09:45", "Mon 10:00", "Mon 11:00", "Mon 11:15", "Mon 11:30"])
        // Back-to-back bookings in one room leave the other room free for the whole hour.
        let chain = [BookedInterval(start: madrid("2026-12-07T09:00:00+01:00"), end: madrid("2026-12-07T09:30:00+01:00")),
                     BookedInterval(start: madrid("2026-12-07T09:30:00+01:00"), end: madrid("2026-12-07T10:00:00+01:00"))]
        #expect(local(two.freeStarts(minutes: 60, from: monday, through: madrid("2026-12-07T09:00:00+01:00"), booked: chain, now: monday)) == ["Mon 09:00"])
        // Rooms, not head counts: one room busy 09:00–09:30 and 10:00–10:30, the other 09:30–10:00 — at most one
        // appointment at a time, yet no room is free for all of 09:15–09:45.
        let fragmented = [BookedInterval(start: madrid("2026-12-07T09:00:00+01:00"), end: madrid("2026-12-07T09:30:00+01:00"), room: 0),
                          BookedInterval(start: madrid("2026-12-07T10:00:00+01:00"), end: madrid("2026-12-07T10:30:00+01:00"), room: 0),
                          BookedInterval(start: madrid("2026-12-07T09:30:00+01:00"), end: madrid("2026-12-07T10:00:00+01:00"), room: 1)]
        #expect(two.check(start: madrid("2026-12-07T09:15:00+01:00"), minutes: 30, booked: fragmented, now: monday) == .taken)
    }

    @Test func aHoliday_MinimumNotice_Horizon_AndPartOfDay() throws {
        let availability = Availability(rules: try rules(BookingSettings(minimumNoticeMinutes: 120, horizonDays: 7, closedDates: ["2026-12-08"])))
        let now = madrid("2026-12-07T09:10:00+01:00")
        let starts = availability.freeStarts(minutes: 30, from: now, through: madrid("2026-12-31T00:00:00+01:00"), booked: [], now: now)
        let shown = local(starts)
        #expect(shown.first == "Mon 11:15", "two hours of notice from 09:10, on the grid")
        #expect(!shown.contains { $0.hasPrefix("Tue") }, "8 December is closed")
        #expect(starts.allSatisfy { $0 <= now.addingTimeInterval(7 * 86_400) })
        #expect(!shown.contains { $0.hasPrefix("Sun") })
        let afternoons = local(availability.freeStarts(minutes: 30, from: now, through: madrid("2026-12-09T23:00:00+01:00"), booked: [], now: now,
                                                       partOfDay: .afternoon))
        #expect(afternoons.first == "Mon 12:00" && afternoons.allSatisfy { Int($0.dropFirst(4).prefix(2)) ?? 0 >= 12 })
        #expect(availability.freeStarts(minutes: 30, from: now, through: madrid("2026-12-09T23:00:00+01:00"), booked: [], now: now, limit: 3).count == 3)
    }

    @Test func theDaylightSavingDay_HasItsRealHours() throws {
        // Sunday 25 October 2026: Madrid's clocks go back at 03:00. A clinic open 00:00–06:00 that night offers
        // each local start once, and 02:00–03:00 is offered once (its first occurrence).
        let rules = try BookingRules(timeZone: "Europe/Madrid", businessHours: ["sunday": ["00:00-06:00"], "saturday": ["00:00-24:00"]],
                                     treatments: ["consulta": 60], settings: BookingSettings(slotMinutes: 60, minimumNoticeMinutes: 0))
        let availability = Availability(rules: rules)
        let now = madrid("2026-10-24T12:00:00+02:00")
        let sunday = availability.freeStarts(minutes: 60, from: madrid("2026-10-25T00:00:00+02:00"), through: madrid("2026-10-25T06:00:00+01:00"),
                                             booked: [], now: now)
        #expect(local(sunday) == ["Sun 00:00", "Sun 01:00", "Sun 02:00", "Sun 03:00", "Sun 04:00", "Sun 05:00"])
        // The spring change (29 March 2026): 02:00 does not exist and is never offered.
        let spring = try BookingRules(timeZone: "Europe/Madrid", businessHours: ["sunday": ["00:00-06:00"]], treatments: ["consulta": 60],
                                      settings: BookingSettings(slotMinutes: 60, minimumNoticeMinutes: 0))
        let march = Availability(rules: spring).freeStarts(minutes: 60, from: madrid("2026-03-29T00:00:00+01:00"),
                                                           through: madrid("2026-03-29T06:00:00+02:00"), booked: [], now: madrid("2026-03-28T12:00:00+01:00"))
        #expect(local(march) == ["Sun 00:00", "Sun 01:00", "Sun 03:00", "Sun 04:00", "Sun 05:00"])
    }

    @Test func slotChecks_SayWhy() throws {
        let availability = Availability(rules: try rules(BookingSettings(minimumNoticeMinutes: 60, horizonDays: 30)))
        let now = madrid("2026-12-07T09:00:00+01:00")
        let booked = [BookedInterval(start: madrid("2026-12-07T11:00:00+01:00"), end: madrid("2026-12-07T12:00:00+01:00"))]
        #expect(availability.check(start: madrid("2026-12-07T08:00:00+01:00"), minutes: 30, booked: booked, now: now) == .past)
        #expect(availability.check(start: madrid("2026-12-07T09:30:00+01:00"), minutes: 30, booked: booked, now: now) == .tooSoon)
        #expect(availability.check(start: madrid("2026-12-07T13:30:00+01:00"), minutes: 30, booked: booked, now: now) == .outsideHours)
        #expect(availability.check(start: madrid("2026-12-07T10:10:00+01:00"), minutes: 30, booked: booked, now: now) == .outsideHours)
        #expect(availability.check(start: madrid("2026-12-07T11:30:00+01:00"), minutes: 30, booked: booked, now: now) == .taken)
        #expect(availability.check(start: madrid("2027-02-01T10:00:00+01:00"), minutes: 30, booked: booked, now: now) == .beyondHorizon)
        #expect(availability.check(start: madrid("2026-12-07T10:30:00+01:00"), minutes: 30, booked: booked, now: now) == nil)
    }

    @Test func treatments_AreFoundByNameOrAlias() throws {
        let rules = try BookingRules(timeZone: "Europe/Madrid", businessHours: Self.hours, treatments: ["botox": 45, "relleno de labios": 60],
                                     settings: BookingSettings(treatmentAliases: ["botox": ["toxina", "bótox", "toxina botulínica"]]))
        #expect(rules.treatment(named: "Bótox")?.name == "botox")
        #expect(rules.treatment(named: "toxina")?.minutes == 45)
        #expect(rules.treatment(named: "quiero ponerme toxina botulínica en la frente")?.name == "botox")
        #expect(rules.treatment(named: "Relleno de Labios")?.name == "relleno de labios")
        #expect(rules.treatment(named: "depilación") == nil)
        // Built-in synonyms and underscores, without any configuration.
        let plain = try BookingRules(timeZone: "Europe/Madrid", businessHours: Self.hours, treatments: ["botox": 30, "limpieza_facial": 60, "rellenos": 45])
        #expect(plain.treatment(named: "¿cuánto cuesta la toxina botulínica?")?.name == "botox")
        #expect(plain.treatment(named: "limpieza facial")?.name == "limpieza_facial")
        #expect(plain.treatment(named: "ácido hialurónico en labios")?.name == "rellenos")
        #expect(plain.treatment(named: "hydrafacial") == nil)
        // The longest name the words hold wins, wherever it starts; a shorter one inside it does not.
        let nested = try BookingRules(timeZone: "Europe/Madrid", businessHours: Self.hours, treatments: ["relleno": 30, "relleno de labios": 60, "botox": 45])
        #expect(nested.treatment(named: "quiero un relleno de labios")?.name == "relleno de labios")
        #expect(nested.treatment(named: "botox y después un relleno de labios")?.name == "relleno de labios")
        #expect(nested.treatment(named: "un relleno en los pómulos")?.name == "relleno")
        #expect(throws: BookingRules.Invalid.self) { try BookingRules(timeZone: "Mars/Olympus", businessHours: [:], treatments: [:]) }
        #expect(throws: BookingRules.Invalid.self) { try BookingRules(timeZone: "UTC", businessHours: ["monday": ["13:00-09:00"]], treatments: [:]) }
    }

    /// The day walk agrees with the calendar for three years, leap days and year ends included.
    @Test func theDayWalk_MatchesTheCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        var date = try #require(calendar.date(from: DateComponents(year: 2027, month: 12, day: 25)))
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        var day = try #require(LocalDay(year: parts.year, month: parts.month, day: parts.day, weekday: parts.weekday))
        for _ in 0..<(3 * 366) {
            let expected = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            #expect(day.year == expected.year && day.month == expected.month && day.day == expected.day)
            #expect(day.isoWeekday == ((expected.weekday ?? 1) == 1 ? 7 : (expected.weekday ?? 1) - 1))
            day.advance()
            date = date.addingTimeInterval(86_400)
        }
        #expect(LocalDay(year: 2028, month: 2, day: 9, weekday: 4)?.key == "2028-02-09")
    }
}
