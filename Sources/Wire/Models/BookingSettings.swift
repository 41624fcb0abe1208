/// How a company takes appointments (beyond its `timezone`, `business_hours` and `treatment_durations`):
/// buffers, parallel capacity, the slot grid, notice and horizon, cancellations, closed days, treatment
/// synonyms and the patient data a booking needs. Every field has a default, so a company that sets
/// nothing books in 15-minute steps, one patient at a time, from two hours ahead up to 60 days.
public struct BookingSettings: Codable, Sendable, Equatable {
    /// Minutes kept free after each appointment (cleaning, notes).
    public var bufferMinutes: Int
    /// Appointments that may run at the same time (rooms or professionals).
    public var capacity: Int
    /// Start times are on this grid, counted from each opening range's start.
    public var slotMinutes: Int
    /// No appointment starts sooner than this after now.
    public var minimumNoticeMinutes: Int
    /// No appointment starts later than this many days ahead.
    public var horizonDays: Int
    /// A patient may cancel or reschedule up to this many hours before the start…
    public var cancellationWindowHours: Int
    /// …and later too when this is set (the cancellation is then marked late).
    public var allowLateCancellation: Bool
    /// Days the clinic is closed (`yyyy-MM-dd`, local): holidays, vacations.
    public var closedDates: [String]
    /// Treatment → other names patients use ("botox" → ["toxina", "bótox"]).
    public var treatmentAliases: [String: [String]]
    /// Patient fields a booking must carry: `full_name`, `id_number`, `phone`, `email`, `birth_date`.
    public var requiredPatientFields: [String]
    /// With a `schedule_service_url` that does not answer: `builtin` (offer the built-in calendar's times) or
    /// `human` (say so and offer a person from the clinic).
    public var scheduleServiceFallback: String

    public static let patientFields: Set<String> = ["full_name", "id_number", "phone", "email", "birth_date"]

    enum CodingKeys: String, CodingKey {
        case bufferMinutes = "buffer_minutes", capacity, slotMinutes = "slot_minutes", minimumNoticeMinutes = "minimum_notice_minutes"
        case horizonDays = "horizon_days", cancellationWindowHours = "cancellation_window_hours"
        case allowLateCancellation = "allow_late_cancellation", closedDates = "closed_dates", treatmentAliases = "treatment_aliases"
        case requiredPatientFields = "required_patient_fields", scheduleServiceFallback = "schedule_service_fallback"
    }

    public init(bufferMinutes: Int = 0, capacity: Int = 1, slotMinutes: Int = 15, minimumNoticeMinutes: Int = 120, horizonDays: Int = 60,
                cancellationWindowHours: Int = 24, allowLateCancellation: Bool = false, closedDates: [String] = [],
                treatmentAliases: [String: [String]] = [:], requiredPatientFields: [String] = ["full_name", "id_number", "phone"],
                scheduleServiceFallback: String = "builtin") {
        self.bufferMinutes = bufferMinutes
        self.capacity = capacity
        self.slotMinutes = slotMinutes
        self.minimumNoticeMinutes = minimumNoticeMinutes
        self.horizonDays = horizonDays
        self.cancellationWindowHours = cancellationWindowHours
        self.allowLateCancellation = allowLateCancellation
        self.closedDates = closedDates
        self.treatmentAliases = treatmentAliases
        self.requiredPatientFields = requiredPatientFields
        self.scheduleServiceFallback = scheduleServiceFallback
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = BookingSettings()
        self.init(
            bufferMinutes: try c.decodeIfPresent(Int.self, forKey: .bufferMinutes) ?? defaults.bufferMinutes,
            capacity: try c.decodeIfPresent(Int.self, forKey: .capacity) ?? defaults.capacity,
            slotMinutes: try c.decodeIfPresent(Int.self, forKey: .slotMinutes) ?? defaults.slotMinutes,
            minimumNoticeMinutes: try c.decodeIfPresent(Int.self, forKey: .minimumNoticeMinutes) ?? defaults.minimumNoticeMinutes,
            horizonDays: try c.decodeIfPresent(Int.self, forKey: .horizonDays) ?? defaults.horizonDays,
            cancellationWindowHours: try c.decodeIfPresent(Int.self, forKey: .cancellationWindowHours) ?? defaults.cancellationWindowHours,
            allowLateCancellation: try c.decodeIfPresent(Bool.self, forKey: .allowLateCancellation) ?? defaults.allowLateCancellation,
            closedDates: try c.decodeIfPresent([String].self, forKey: .closedDates) ?? [],
            treatmentAliases: try c.decodeIfPresent([String: [String]].self, forKey: .treatmentAliases) ?? [:],
            requiredPatientFields: try c.decodeIfPresent([String].self, forKey: .requiredPatientFields) ?? defaults.requiredPatientFields,
            scheduleServiceFallback: try c.decodeIfPresent(String.self, forKey: .scheduleServiceFallback) ?? defaults.scheduleServiceFallback)
    }
}
