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
