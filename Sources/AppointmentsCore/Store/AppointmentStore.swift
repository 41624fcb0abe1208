import Foundation
import TextFolding
import TenantStorage
import Wire

/// Why a store operation failed.
public struct AppointmentStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a booking or a reschedule came to.
public enum BookingOutcome: Sendable, Equatable {
    /// Written, in this room.
    case booked(Appointment)
    /// The idempotency key was used before: the appointment it made (nothing new written).
    case replayed(Appointment)
    /// Every room is occupied at some moment of the interval.
    case taken
    /// No such appointment (reschedule), or it is cancelled.
    case notFound
}

/// How bookings occupy time: each appointment holds one room for `[start, end + buffer)`.
public struct OccupancyRule: Sendable, Equatable {
    public var rooms: Int
    public var bufferSeconds: Int
    public init(rooms: Int, bufferSeconds: Int) {
        self.rooms = max(1, rooms)
        self.bufferSeconds = max(0, bufferSeconds)
    }
}

/// Durable appointments, every operation scoped to one tenant, bookings atomic against each other.
///
/// A booking takes the first room that is free for its whole occupancy `[start, end + buffer)` and is
/// written in the same atomic step as that check (a write transaction on SQLite, with a uniqueness rule on
/// each room's time units; one Lua script on Redis), so two concurrent bookings can never both get the
/// last free place.
public protocol AppointmentStore: Sendable {
    /// Books `appointment` (its `room` is chosen here) unless its idempotency key was already used.
    func book(_ appointment: Appointment, rule: OccupancyRule, in scope: TenantScope) async throws(AppointmentStoreError) -> BookingOutcome
    /// Moves a booked appointment to another interval (its own current place does not count against it).
    func reschedule(_ id: String, start: Date, end: Date, rule: OccupancyRule, at now: Date,
                    in scope: TenantScope) async throws(AppointmentStoreError) -> BookingOutcome
    /// Cancels a booked appointment; nil when there is none with this id (or it is already cancelled).
    func cancel(_ id: String, at now: Date, late: Bool, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment?
    func appointment(_ id: String, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment?
    /// The appointment an idempotency key booked, if any.
    func appointment(forKey key: String, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment?
    /// Appointments starting in `[from, to)`, earliest first; with `patient`, only those whose phone, id
    /// number, email or name (case and accents ignored) equals it; cancelled ones too when asked.
    func list(from: Date, to: Date, patient: String?, includeCancelled: Bool, limit: Int,
              in scope: TenantScope) async throws(AppointmentStoreError) -> [Appointment]
    /// The booked intervals (with their rooms) that overlap `[from, to)`, for availability.
    func booked(from: Date, to: Date, in scope: TenantScope) async throws(AppointmentStoreError) -> [BookedInterval]
    /// Erases every appointment of the company; returns how many there were.
    func purge(_ scope: TenantScope) async throws(AppointmentStoreError) -> Int
    /// The appointments whose idempotency key starts with `prefix` (cancelled ones too), at most `limit`.
    func appointments(withKeyPrefix prefix: String, limit: Int, in scope: TenantScope) async throws(AppointmentStoreError) -> [Appointment]
    /// Erases appointments outright (record, room occupancy, idempotency key), for a patient's erasure;
    /// returns how many there were.
    func erase(_ ids: [String], in scope: TenantScope) async throws(AppointmentStoreError) -> Int
}

extension PatientDetails {
    /// The forms a patient search matches: phone (digits only), id number and email (folded), name (folded).
    var searchKeys: [String] {
        var keys: [String] = []
        if let phone { keys.append(String(phone.filter(\.isNumber))) }
        for value in [idNumber, email, fullName].compactMap({ $0 }) { keys.append(PatientDetails.fold(value)) }
        return keys.filter { !$0.isEmpty }
    }

    static func fold(_ text: String) -> String {
        LatinFolding.folded(text)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The key a patient query is compared with: digits for something that looks like a phone, folded text otherwise.
    static func searchKey(of query: String) -> String {
        let digits = query.filter(\.isNumber)
        return digits.count >= 6 && digits.count * 2 >= query.count ? digits : fold(query)
    }
}
