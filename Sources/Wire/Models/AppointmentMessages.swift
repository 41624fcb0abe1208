import Foundation

/// Who an appointment is for. Which fields are required is the company's choice (`BookingSettings`).
public struct PatientDetails: Codable, Sendable, Equatable {
    public var fullName: String?
    public var idNumber: String?
    public var phone: String?
    public var email: String?
    public var birthDate: String?

    enum CodingKeys: String, CodingKey {
        case fullName = "full_name", idNumber = "id_number", phone, email, birthDate = "birth_date"
    }

    public init(fullName: String? = nil, idNumber: String? = nil, phone: String? = nil, email: String? = nil, birthDate: String? = nil) {
        self.fullName = fullName
        self.idNumber = idNumber
        self.phone = phone
        self.email = email
        self.birthDate = birthDate
    }

    /// The value of a field by its `BookingSettings.patientFields` name.
    public func value(of field: String) -> String? {
        switch field {
        case "full_name": return fullName
        case "id_number": return idNumber
        case "phone": return phone
        case "email": return email
        case "birth_date": return birthDate
        default: return nil
        }
    }
}

/// Where an appointment stands.
public enum AppointmentStatus: String, Codable, Sendable, TolerantEnum {
    case booked
    case cancelled
    case unknown
    public static var unknownCase: AppointmentStatus { .unknown }
}

/// One appointment of a company.
public struct Appointment: Codable, Sendable, Equatable {
    public var id: String
    public var treatment: String
    public var start: Date
    public var end: Date
    /// Which of the company's parallel places (room or professional, 0-based) it takes.
    public var room: Int
    public var status: AppointmentStatus
    public var patient: PatientDetails
    /// A short code a patient can read out (`K7M-4Q2`).
    public var confirmationCode: String
    public var idempotencyKey: String?
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var cancelledAt: Date?
    /// Cancelled inside the cancellation window (allowed only when the company allows late cancellations).
    public var lateCancellation: Bool

    public init(id: String, treatment: String, start: Date, end: Date, room: Int = 0, status: AppointmentStatus = .booked,
                patient: PatientDetails, confirmationCode: String, idempotencyKey: String? = nil, notes: String? = nil,
                createdAt: Date, updatedAt: Date, cancelledAt: Date? = nil, lateCancellation: Bool = false) {
        self.id = id
        self.treatment = treatment
        self.start = start
        self.end = end
        self.room = room
        self.status = status
        self.patient = patient
        self.confirmationCode = confirmationCode
        self.idempotencyKey = idempotencyKey
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.cancelledAt = cancelledAt
        self.lateCancellation = lateCancellation
    }
}

/// `agent/appointmentAvailability` request: free starts for a treatment. Without `day` or `from`/`to`: from
/// now over the next 14 days (never past the company's booking horizon).
public struct AvailabilityRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    /// A treatment name or any of its aliases ("bótox", "toxina").
    public var treatment: String
    public var from: Date?
    public var to: Date?
    /// One local day, `yyyy-MM-dd`.
    public var day: String?
    /// `morning`, `afternoon` or `evening` (Spanish names accepted: mañana, tarde, noche).
    public var partOfDay: String?
    /// The earliest N starts (1…500, default 50).
    public var limit: Int
    public init(companyID: CompanyID, treatment: String, from: Date? = nil, to: Date? = nil, day: String? = nil, partOfDay: String? = nil,
                limit: Int = 50) {
        self.companyID = companyID
        self.treatment = treatment
        self.from = from
        self.to = to
        self.day = day
        self.partOfDay = partOfDay
        self.limit = limit
    }
}

/// `agent/appointmentAvailability` response.
public struct AvailabilityAnswer: Codable, Sendable, Equatable {
    /// The treatment the request named, as the company calls it.
    public var treatment: String
    public var durationMinutes: Int
    public var timezone: String
    public var from: Date
    public var to: Date
    public var slots: [Date]
    /// `builtin` (the clinic's calendar here) or `external` (its schedule service).
    public var source: String
    /// Why the source is not the configured one (the schedule service did not answer).
    public var note: String?
    public init(treatment: String, durationMinutes: Int, timezone: String, from: Date, to: Date, slots: [Date], source: String = "builtin",
                note: String? = nil) {
        self.source = source
        self.note = note
        self.treatment = treatment
        self.durationMinutes = durationMinutes
        self.timezone = timezone
        self.from = from
        self.to = to
        self.slots = slots
    }
}

/// `agent/bookAppointment` request.
public struct BookAppointmentRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var treatment: String
    public var start: Date
    public var patient: PatientDetails
    /// The same key again returns the first booking instead of making a second one.
    public var idempotencyKey: String?
    public var notes: String?
    public init(companyID: CompanyID, treatment: String, start: Date, patient: PatientDetails, idempotencyKey: String? = nil, notes: String? = nil) {
        self.companyID = companyID
        self.treatment = treatment
        self.start = start
        self.patient = patient
        self.idempotencyKey = idempotencyKey
        self.notes = notes
    }
}

/// An appointment after a booking, reschedule or cancellation.
public struct AppointmentAnswer: Codable, Sendable, Equatable {
    public var appointment: Appointment
    /// The idempotency key had been used: this is the earlier booking.
    public var replayed: Bool
    public init(appointment: Appointment, replayed: Bool = false) {
        self.appointment = appointment
        self.replayed = replayed
    }
}

/// `agent/rescheduleAppointment` request.
public struct RescheduleAppointmentRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var appointmentID: String
    public var start: Date
    public init(companyID: CompanyID, appointmentID: String, start: Date) {
        self.companyID = companyID
        self.appointmentID = appointmentID
        self.start = start
    }
}

/// `agent/cancelAppointment` and `agent/getAppointment` request.
public struct AppointmentReference: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var appointmentID: String
    public init(companyID: CompanyID, appointmentID: String) {
        self.companyID = companyID
        self.appointmentID = appointmentID
    }
}

/// `agent/listAppointments` request: appointments starting in `[from, to)` (default: from now, 30 days).
public struct ListAppointmentsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var from: Date?
    public var to: Date?
    /// A phone, id number, email or full name.
    public var patient: String?
    public var includeCancelled: Bool
    public var limit: Int
    public init(companyID: CompanyID, from: Date? = nil, to: Date? = nil, patient: String? = nil, includeCancelled: Bool = false,
                limit: Int = 200) {
        self.companyID = companyID
        self.from = from
        self.to = to
        self.patient = patient
        self.includeCancelled = includeCancelled
        self.limit = limit
    }
}

/// `agent/listAppointments` response.
public struct AppointmentList: Codable, Sendable, Equatable {
    public var appointments: [Appointment]
    public init(appointments: [Appointment]) { self.appointments = appointments }
}

/// `agent/parseDateTime` request: what the engine understands of `text`, relative to `now` (default: the
/// service's clock) in the company's time zone.
public struct ParseDateTimeRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var text: String
    public var now: Date?
    public init(companyID: CompanyID, text: String, now: Date? = nil) {
        self.companyID = companyID
        self.text = text
        self.now = now
    }
}

/// `agent/parseDateTime` response.
public struct DateTimeUnderstanding: Codable, Sendable, Equatable {
    public var understood: Bool
    public var date: String?
    public var time: String?
    public var partOfDay: String?
    public var start: Date?
    public var end: Date?
    public var ambiguous: Bool
    public var ambiguities: [String]
    public var past: Bool
    public var matched: [String]
    public var timezone: String
    public var now: Date
    public init(understood: Bool, date: String?, time: String?, partOfDay: String?, start: Date?, end: Date?, ambiguous: Bool, ambiguities: [String],
                past: Bool, matched: [String], timezone: String, now: Date) {
        self.understood = understood
        self.date = date
        self.time = time
        self.partOfDay = partOfDay
        self.start = start
        self.end = end
        self.ambiguous = ambiguous
        self.ambiguities = ambiguities
        self.past = past
        self.matched = matched
        self.timezone = timezone
        self.now = now
    }
}
