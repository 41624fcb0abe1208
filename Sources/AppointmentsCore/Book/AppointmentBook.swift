import CryptoPrimitives
import Foundation
import TenantStorage
import Wire

/// Every company's appointments: availability, booking, rescheduling, cancelling and listing, by the
/// company's ``BookingRules``, on an ``AppointmentStore``.
///
/// A request is checked here first (treatment, patient fields, the start against hours, notice, horizon and
/// the current bookings) so the answer can say exactly what is wrong; the store then books atomically, so
/// a place taken between the check and the write is still refused (`slot_taken`).
public final class AppointmentBook: Sendable {
    public let store: any AppointmentStore
    /// For companies with a `schedule_service_url` (nil: their availability comes from the built-in calendar).
    public let scheduleService: ScheduleServiceClient?
    let clock: @Sendable () -> Date

    /// - Parameter clock: "now" (the tests move it).
    public init(store: any AppointmentStore, scheduleService: ScheduleServiceClient? = nil, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.scheduleService = scheduleService
        self.clock = clock
    }

    /// Limits on what a request may carry.
    static let maximumFieldLength = 200
    static let maximumNotesLength = 2_000
    static let maximumKeyLength = 128
    static let defaultWindowDays = 14

    let rulesCache = BookingRulesCache()

    /// The company's booking rules (built once per configuration), or nil when its settings cannot be used.
    public func bookingRules(_ company: Company) -> BookingRules? { try? rulesCache.rules(company) }

    func rules(_ company: Company) throws(AppointmentError) -> BookingRules {
        do throws(BookingRules.Invalid) {
            return try rulesCache.rules(company)
        } catch {
            throw .invalidArgument("the company's booking settings cannot be used: \(error.description)")
        }
    }

    func treatment(_ name: String, in rules: BookingRules) throws(AppointmentError) -> (name: String, minutes: Int) {
        guard name.count <= Self.maximumFieldLength, let found = rules.treatment(named: name) else { throw .unknownTreatment(name) }
        return found
    }

    func stored<T: Sendable>(_ body: () async throws(AppointmentStoreError) -> T) async throws(AppointmentError) -> T {
        do throws(AppointmentStoreError) {
            return try await body()
        } catch {
            throw .unavailable(error.message)
        }
    }

    // MARK: Availability

    /// Free starts for a treatment: on `day` (local `yyyy-MM-dd`), or over `[from, to]`, or from now over the
    /// next two weeks; never past the horizon.
    public func availability(_ request: AvailabilityRequest, company: Company, scope: TenantScope) async throws(AppointmentError) -> AvailabilityAnswer {
        let rules = try rules(company)
        let treatment = try treatment(request.treatment, in: rules)
        guard (1...500).contains(request.limit) else { throw .invalidArgument("limit must be between 1 and 500") }
        var part: PartOfDay?
        if let name = request.partOfDay {
            guard let value = PartOfDay(name: DateToken.fold(name)) else {
                throw .invalidArgument("part_of_day must be morning, afternoon or evening (mañana, tarde, noche)")
            }
            part = value
        }
        let now = clock()
        var from = request.from ?? now, to = request.to ?? from.addingTimeInterval(Double(Self.defaultWindowDays) * 86_400)
        if let day = request.day {
            guard let start = Self.localMidnight(day, in: rules.timeZone) else { throw .invalidArgument("day must be a yyyy-MM-dd date") }
            from = start
            to = start.addingTimeInterval(86_400 - 1)
        }
        guard from <= to, to.timeIntervalSince(from) <= 400 * 86_400 else { throw .invalidArgument("from must be before to, at most 400 days apart") }
        var note: String?
        if let url = company.scheduleServiceURL, !url.isEmpty, let service = scheduleService {
            if await service.isHealthy(url) {
                do throws(ScheduleServiceError) {
                    let slots = try await externalSlots(service, url: url, rules: rules, from: from, to: to, now: now, part: part, limit: request.limit)
                    return AvailabilityAnswer(treatment: treatment.name, durationMinutes: treatment.minutes, timezone: rules.timeZone.identifier,
                                              from: from, to: to, slots: slots, source: "external")
                } catch {
                    note = "the schedule service failed: \(error.message)"
                }
            } else {
                note = "the schedule service does not answer"
            }
            if rules.settings.scheduleServiceFallback == "human" {
                throw .scheduleServiceUnavailable("\(note ?? "the schedule service does not answer"); a person from the clinic will confirm the times")
            }
        }
        let buffer = Double(rules.settings.bufferMinutes) * 60
        let booked = try await stored { () async throws(AppointmentStoreError) in
            try await store.booked(from: from.addingTimeInterval(-buffer), to: to.addingTimeInterval(Double(treatment.minutes) * 60 + buffer), in: scope)
        }
        let slots = Availability(rules: rules).freeStarts(minutes: treatment.minutes, from: from, through: to, booked: booked, now: now,
                                                          partOfDay: part, limit: request.limit)
        return AvailabilityAnswer(treatment: treatment.name, durationMinutes: treatment.minutes, timezone: rules.timeZone.identifier,
                                  from: from, to: to, slots: slots, note: note.map { $0 + "; times from the built-in calendar" })
    }

    /// The schedule service's free times for each local day of `[from, to]` (at most 31 days, four days at a
    /// time), within notice, horizon and the part of the day.
    func externalSlots(_ service: ScheduleServiceClient, url: String, rules: BookingRules, from: Date, to: Date, now: Date, part: PartOfDay?,
                       limit: Int) async throws(ScheduleServiceError) -> [Date] {
        let availability = Availability(rules: rules)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = rules.timeZone
        let first = calendar.dateComponents([.year, .month, .day, .weekday], from: from)
        guard var day = LocalDay(year: first.year, month: first.month, day: first.day, weekday: first.weekday) else { return [] }
        var days: [LocalDay] = []
        let end = calendar.dateComponents([.year, .month, .day], from: to)
        while days.count < 31 {
            days.append(day)
            if day.year == end.year && day.month == end.month && day.day == end.day { break }
            day.advance()
        }
        let earliest = now.addingTimeInterval(Double(rules.settings.minimumNoticeMinutes) * 60)
        let latest = min(to, now.addingTimeInterval(Double(rules.settings.horizonDays) * 86_400))
        var found: [Date] = []
        for batch in stride(from: 0, to: days.count, by: 4) {
            let slice = Array(days[batch..<min(days.count, batch + 4)])
            let answers = await withTaskGroup(of: (Int, Result<[String], ScheduleServiceError>).self) { group in
                for (position, day) in slice.enumerated() {
                    group.addTask {
                        do throws(ScheduleServiceError) {
                            return (position, .success(try await service.availableTimes(year: day.year, month: day.month, day: day.day, baseURL: url)))
                        } catch {
                            return (position, .failure(error))
                        }
                    }
                }
                var answers = [Result<[String], ScheduleServiceError>](repeating: .success([]), count: slice.count)
                for await (position, answer) in group { answers[position] = answer }
                return answers
            }
            for (day, answer) in zip(slice, answers) {
                for time in try answer.get().sorted() {
                    let parts = time.split(separator: ":").compactMap { Int($0) }
                    guard parts.count == 2, let start = availability.localInstant(day.year, day.month, day.day, minute: parts[0] * 60 + parts[1]),
                          start >= max(from, earliest), start <= latest else { continue }
                    if let part, PartOfDay.of(hour: parts[0]) != part { continue }
                    found.append(start)
                    if found.count >= limit { return found }
                }
            }
        }
        return found
    }

    static func localMidnight(_ day: String, in zone: TimeZone) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard day.count == 10, parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return back.year == parts[0] && back.month == parts[1] && back.day == parts[2] ? date : nil
    }

    // MARK: Booking

    public func book(_ request: BookAppointmentRequest, company: Company, scope: TenantScope) async throws(AppointmentError) -> AppointmentAnswer {
        let rules = try rules(company)
        if let key = request.idempotencyKey {
            guard !key.isEmpty, key.utf8.count <= Self.maximumKeyLength else { throw .invalidArgument("idempotency_key must be 1–\(Self.maximumKeyLength) bytes") }
            if let earlier = try await stored({ () async throws(AppointmentStoreError) in try await store.appointment(forKey: key, in: scope) }) {
                return AppointmentAnswer(appointment: earlier, replayed: true)
            }
        }
        let treatment = try treatment(request.treatment, in: rules)
        let patient = try Self.validated(request.patient, required: rules.settings.requiredPatientFields)
        if let notes = request.notes, notes.count > Self.maximumNotesLength { throw .invalidArgument("notes are longer than \(Self.maximumNotesLength) characters") }
        let now = clock()
        let end = request.start.addingTimeInterval(Double(treatment.minutes) * 60)
        try await checkStart(request.start, end: end, minutes: treatment.minutes, rules: rules, now: now, excluding: nil, scope: scope)
        let appointment = Appointment(
            id: "apt_" + Digest.hex(Digest.randomBytes(8)), treatment: treatment.name, start: request.start, end: end, patient: patient,
            confirmationCode: Self.confirmationCode(), idempotencyKey: request.idempotencyKey, notes: request.notes, createdAt: now, updatedAt: now)
        let outcome = try await stored { () async throws(AppointmentStoreError) in
            try await store.book(appointment, rule: Self.occupancy(rules), in: scope)
        }
        switch outcome {
        case .booked(let booked): return AppointmentAnswer(appointment: booked)
        case .replayed(let earlier): return AppointmentAnswer(appointment: earlier, replayed: true)
        case .taken, .notFound: throw .slotTaken
        }
    }

    public func reschedule(_ request: RescheduleAppointmentRequest, company: Company, scope: TenantScope) async throws(AppointmentError) -> AppointmentAnswer {
        let rules = try rules(company)
        let current = try await booked(request.appointmentID, scope: scope)
        let now = clock()
        _ = try lateness(of: current, rules: rules, now: now, action: "moved")
        let minutes = Int(current.end.timeIntervalSince(current.start) / 60)
        let end = request.start.addingTimeInterval(Double(minutes) * 60)
        try await checkStart(request.start, end: end, minutes: minutes, rules: rules, now: now, excluding: current, scope: scope)
        let outcome = try await stored { () async throws(AppointmentStoreError) in
            try await store.reschedule(current.id, start: request.start, end: end, rule: Self.occupancy(rules), at: now, in: scope)
        }
        switch outcome {
        case .booked(let moved), .replayed(let moved): return AppointmentAnswer(appointment: moved)
        case .taken: throw .slotTaken
        case .notFound: throw .notFound(request.appointmentID)
        }
    }

    public func cancel(_ reference: AppointmentReference, company: Company, scope: TenantScope) async throws(AppointmentError) -> AppointmentAnswer {
        let rules = try rules(company)
        let current = try await booked(reference.appointmentID, scope: scope)
        let now = clock()
        let late = try lateness(of: current, rules: rules, now: now, action: "cancelled")
        guard let cancelled = try await stored({ () async throws(AppointmentStoreError) in
            try await store.cancel(current.id, at: now, late: late, in: scope)
        }) else { throw .notFound(reference.appointmentID) }
        return AppointmentAnswer(appointment: cancelled)
    }

    public func appointment(_ reference: AppointmentReference, scope: TenantScope) async throws(AppointmentError) -> AppointmentAnswer {
        guard reference.appointmentID.utf8.count <= Self.maximumKeyLength,
              let found = try await stored({ () async throws(AppointmentStoreError) in try await store.appointment(reference.appointmentID, in: scope) })
        else { throw .notFound(reference.appointmentID) }
        return AppointmentAnswer(appointment: found)
    }

    public func list(_ request: ListAppointmentsRequest, scope: TenantScope) async throws(AppointmentError) -> AppointmentList {
        let from = request.from ?? clock()
        let to = request.to ?? from.addingTimeInterval(30 * 86_400)
        guard from <= to, (1...1_000).contains(request.limit), (request.patient?.count ?? 0) <= Self.maximumFieldLength else {
            throw .invalidArgument("from must be before to, limit 1–1000, patient at most \(Self.maximumFieldLength) characters")
        }
        let found = try await stored { () async throws(AppointmentStoreError) in
            try await store.list(from: from, to: to, patient: request.patient, includeCancelled: request.includeCancelled, limit: request.limit, in: scope)
        }
        return AppointmentList(appointments: found)
    }

    /// What the date and time understanding makes of `text`, in the company's time zone.
    public func interpret(_ request: ParseDateTimeRequest, company: Company) throws(AppointmentError) -> DateTimeUnderstanding {
        guard let zone = TimeZone(identifier: company.timezone) else { throw .invalidArgument("the company's time zone '\(company.timezone)' is unknown") }
        guard request.text.count <= 2_000 else { throw .invalidArgument("text is longer than 2000 characters") }
        let now = request.now ?? clock()
        let result = DateTimeParser(timeZone: zone).interpret(request.text, now: now)
        return DateTimeUnderstanding(understood: result.understood, date: result.date, time: result.time, partOfDay: result.partOfDay?.rawValue,
                                     start: result.start, end: result.end, ambiguous: result.ambiguous, ambiguities: result.ambiguities,
                                     past: result.past, matched: result.matched, timezone: zone.identifier, now: now)
    }

    /// Erases the company's appointments.
    public func purge(_ scope: TenantScope) async throws(AppointmentError) -> Int {
        try await stored { () async throws(AppointmentStoreError) in try await store.purge(scope) }
    }

    // MARK: Checks

    static func occupancy(_ rules: BookingRules) -> OccupancyRule {
        OccupancyRule(rooms: rules.settings.capacity, bufferSeconds: rules.settings.bufferMinutes * 60)
    }

    func booked(_ id: String, scope: TenantScope) async throws(AppointmentError) -> Appointment {
        guard id.utf8.count <= Self.maximumKeyLength,
              let found = try await stored({ () async throws(AppointmentStoreError) in try await store.appointment(id, in: scope) }),
              found.status == .booked else { throw .notFound(id) }
        return found
    }

    /// Whether changing `appointment` now is late (inside the cancellation window); refused when the company
    /// does not allow late changes.
    func lateness(of appointment: Appointment, rules: BookingRules, now: Date, action: String) throws(AppointmentError) -> Bool {
        let window = Double(rules.settings.cancellationWindowHours) * 3600
        let late = appointment.start.timeIntervalSince(now) < window
        if late && !rules.settings.allowLateCancellation {
            throw .cancellationWindow("the appointment can be \(action) up to \(rules.settings.cancellationWindowHours) hours before it starts; "
                + "please call the clinic")
        }
        return late
    }

    /// The start against the rules and the current bookings (the store has the last word).
    func checkStart(_ start: Date, end: Date, minutes: Int, rules: BookingRules, now: Date, excluding: Appointment?,
                    scope: TenantScope) async throws(AppointmentError) {
        let buffer = Double(rules.settings.bufferMinutes) * 60
        var booked = try await stored { () async throws(AppointmentStoreError) in
            try await store.booked(from: start.addingTimeInterval(-86_400 - buffer), to: end.addingTimeInterval(buffer), in: scope)
        }
        if let excluding { booked.removeAll { $0.start == excluding.start && $0.end == excluding.end && $0.room == excluding.room } }
        guard let problem = Availability(rules: rules).check(start: start, minutes: minutes, booked: booked, now: now) else { return }
        switch problem {
        case .taken: throw .slotTaken
        case .past: throw .unavailableStart(code: "past_time", message: "that time has already passed")
        case .tooSoon:
            throw .unavailableStart(code: "too_soon", message: "appointments need \(rules.settings.minimumNoticeMinutes) minutes of notice")
        case .beyondHorizon:
            throw .unavailableStart(code: "beyond_horizon", message: "appointments can be booked up to \(rules.settings.horizonDays) days ahead")
        case .outsideHours:
            throw .unavailableStart(code: "outside_hours",
                                    message: "that start is not offered: outside opening hours, on a closed day, off the \(rules.settings.slotMinutes)-minute grid, or the treatment would run past closing")
        }
    }

    /// Trimmed patient fields, every required one present, each within bounds.
    static func validated(_ patient: PatientDetails, required: [String]) throws(AppointmentError) -> PatientDetails {
        func clean(_ value: String?) -> String? {
            guard let text = value?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        let cleaned = PatientDetails(fullName: clean(patient.fullName), idNumber: clean(patient.idNumber), phone: clean(patient.phone),
                                     email: clean(patient.email), birthDate: clean(patient.birthDate))
        let missing = required.filter { cleaned.value(of: $0) == nil }
        guard missing.isEmpty else { throw .missingPatientFields(missing) }
        for field in BookingSettings.patientFields.sorted() {
            if let value = cleaned.value(of: field), value.count > maximumFieldLength {
                throw .invalidArgument("\(field) is longer than \(maximumFieldLength) characters")
            }
        }
        if let phone = cleaned.phone, phone.filter(\.isNumber).count < 6 { throw .invalidArgument("phone must have at least 6 digits") }
        if let email = cleaned.email, !email.contains("@") || email.hasPrefix("@") || email.hasSuffix("@") {
            throw .invalidArgument("email is not an email address")
        }
        return cleaned
    }

    /// A short code patients can read out: six characters without look-alikes (no 0/O, 1/I/L), as `K7M-4Q2`.
    static func confirmationCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        let bytes = Digest.randomBytes(6)
        let characters = bytes.map { alphabet[Int($0) % alphabet.count] }
        return String(characters[0..<3]) + "-" + String(characters[3..<6])
    }
}
