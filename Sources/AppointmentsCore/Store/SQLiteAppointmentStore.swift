import Foundation
import SQLiteClient
import TenantStorage
import Wire

/// The embedded appointment store: one SQLite database (WAL), `company_id` in every key.
///
/// Double booking is impossible by construction: every booked appointment owns its room's five-minute time
/// units in `room_units`, whose primary key (company, room, unit) lets one appointment hold a unit. A
/// booking looks for a room whose units are free and takes them in the same write transaction; the key
/// would refuse a second holder even if two checks raced (they cannot: writes are serialised).
public final class SQLiteAppointmentStore: AppointmentStore {
    private let database: SQLiteDatabase

    /// The grain of `room_units`, in seconds. Starts are on slot grids of whole multiples of five minutes.
    static let unitSeconds = 300.0

    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(version: 1, statements: [
            """
            CREATE TABLE appointments (
                company_id TEXT NOT NULL, id TEXT NOT NULL, treatment TEXT NOT NULL, start REAL NOT NULL, finish REAL NOT NULL,
                room INTEGER NOT NULL, status TEXT NOT NULL, patient TEXT NOT NULL, search_keys TEXT NOT NULL, code TEXT NOT NULL,
                idempotency_key TEXT, notes TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL, cancelled_at REAL,
                late INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (company_id, id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX appointments_by_start ON appointments (company_id, start)",
            "CREATE UNIQUE INDEX appointments_by_key ON appointments (company_id, idempotency_key) WHERE idempotency_key IS NOT NULL",
            "CREATE UNIQUE INDEX appointments_by_code ON appointments (company_id, code)",
            """
            CREATE TABLE room_units (company_id TEXT NOT NULL, room INTEGER NOT NULL, unit INTEGER NOT NULL, appointment_id TEXT NOT NULL,
                PRIMARY KEY (company_id, room, unit)) WITHOUT ROWID
            """,
            "CREATE INDEX room_units_by_appointment ON room_units (company_id, appointment_id)",
        ]),
    ]

    /// Opens (creating) the database at `path`.
    public init(path: String) async throws(AppointmentStoreError) {
        do {
            database = try await SQLiteDatabase.open(path: path, migrations: Self.migrations)
        } catch {
            throw AppointmentStoreError("cannot open the appointment database \(path): \(error)")
        }
    }

    public func close() { database.close() }

    /// The units `[start, end + buffer)` covers.
    static func units(_ start: Date, _ end: Date, buffer: Int) -> ClosedRange<Int64> {
        let first = Int64((start.timeIntervalSince1970 / unitSeconds).rounded(.down))
        let last = Int64(((end.timeIntervalSince1970 + Double(buffer)) / unitSeconds).rounded(.up)) - 1
        return first...max(first, last)
    }

    public func book(_ appointment: Appointment, rule: OccupancyRule, in scope: TenantScope) async throws(AppointmentStoreError) -> BookingOutcome {
        let company = scope.companyID.rawValue
        let encoded = try Self.encode(appointment.patient)
        return try await writing { (connection) throws(SQLiteError) -> BookingOutcome in
            if let key = appointment.idempotencyKey,
               let existing = try connection.query("SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND idempotency_key = ?",
                                                   [.text(company), .text(key)]).first.flatMap(Self.appointment) {
                return .replayed(existing)
            }
            let units = Self.units(appointment.start, appointment.end, buffer: rule.bufferSeconds)
            guard let room = try Self.freeRoom(connection, company: company, units: units, rooms: rule.rooms, excluding: nil) else { return .taken }
            var booked = appointment
            booked.room = room
            let bindings: [SQLiteValue] = [
                .text(company), .text(booked.id), .text(booked.treatment), .real(booked.start.timeIntervalSince1970),
                .real(booked.end.timeIntervalSince1970), .integer(room), .text(booked.status.rawValue), .text(encoded),
                .text(Self.searchText(booked.patient)), .text(booked.confirmationCode), booked.idempotencyKey.map { .text($0) } ?? .null,
                booked.notes.map { .text($0) } ?? .null, .real(booked.createdAt.timeIntervalSince1970), .real(booked.updatedAt.timeIntervalSince1970),
            ]
            _ = try connection.execute(
                """
                INSERT INTO appointments (company_id, id, treatment, start, finish, room, status, patient, search_keys, code, idempotency_key,
                    notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, bindings)
            try Self.take(connection, company: company, room: room, units: units, appointment: booked.id)
            return .booked(booked)
        }
    }

    public func reschedule(_ id: String, start: Date, end: Date, rule: OccupancyRule, at now: Date,
                           in scope: TenantScope) async throws(AppointmentStoreError) -> BookingOutcome {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> BookingOutcome in
            guard var current = try connection.query("SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND id = ?",
                                                     [.text(company), .text(id)]).first.flatMap(Self.appointment),
                  current.status == .booked else { return .notFound }
            let units = Self.units(start, end, buffer: rule.bufferSeconds)
            guard let room = try Self.freeRoom(connection, company: company, units: units, rooms: rule.rooms, excluding: id) else { return .taken }
            _ = try connection.execute("DELETE FROM room_units WHERE company_id = ? AND appointment_id = ?", [.text(company), .text(id)])
            try Self.take(connection, company: company, room: room, units: units, appointment: id)
            _ = try connection.execute("UPDATE appointments SET start = ?, finish = ?, room = ?, updated_at = ? WHERE company_id = ? AND id = ?",
                                       [.real(start.timeIntervalSince1970), .real(end.timeIntervalSince1970), .integer(room),
                                        .real(now.timeIntervalSince1970), .text(company), .text(id)])
            current.start = start
            current.end = end
            current.room = room
            current.updatedAt = now
            return .booked(current)
        }
    }

    public func cancel(_ id: String, at now: Date, late: Bool, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment? {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Appointment? in
            guard var current = try connection.query("SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND id = ?",
                                                     [.text(company), .text(id)]).first.flatMap(Self.appointment),
                  current.status == .booked else { return nil }
            _ = try connection.execute(
                "UPDATE appointments SET status = 'cancelled', cancelled_at = ?, updated_at = ?, late = ? WHERE company_id = ? AND id = ?",
                [.real(now.timeIntervalSince1970), .real(now.timeIntervalSince1970), .integer(late ? 1 : 0), .text(company), .text(id)])
            _ = try connection.execute("DELETE FROM room_units WHERE company_id = ? AND appointment_id = ?", [.text(company), .text(id)])
            current.status = .cancelled
            current.cancelledAt = now
            current.updatedAt = now
            current.lateCancellation = late
            return current
        }
    }

    public func appointment(_ id: String, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment? {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> Appointment? in
            try connection.query("SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND id = ?", [.text(company), .text(id)])
                .first.flatMap(Self.appointment)
        }
    }

    public func appointment(forKey key: String, in scope: TenantScope) async throws(AppointmentStoreError) -> Appointment? {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> Appointment? in
            try connection.query("SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND idempotency_key = ?", [.text(company), .text(key)])
                .first.flatMap(Self.appointment)
        }
    }

    public func list(from: Date, to: Date, patient: String?, includeCancelled: Bool, limit: Int,
                     in scope: TenantScope) async throws(AppointmentStoreError) -> [Appointment] {
        let company = scope.companyID.rawValue
        var sql = "SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND start >= ? AND start < ?"
        var bindings: [SQLiteValue] = [.text(company), .real(from.timeIntervalSince1970), .real(to.timeIntervalSince1970)]
        if !includeCancelled { sql += " AND status = 'booked'" }
        if let patient {
            sql += " AND instr(search_keys, ?) > 0"
            bindings.append(.text(Self.separator + PatientDetails.searchKey(of: patient) + Self.separator))
        }
        sql += " ORDER BY start, id LIMIT ?"
        bindings.append(.integer(max(1, min(limit, 10_000))))
        let query = sql, values = bindings
        return try await reading { (connection) throws(SQLiteError) -> [Appointment] in
            try connection.query(query, values).compactMap(Self.appointment)
        }
    }

    public func booked(from: Date, to: Date, in scope: TenantScope) async throws(AppointmentStoreError) -> [BookedInterval] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [BookedInterval] in
            try connection.query(
                "SELECT start, finish, room FROM appointments WHERE company_id = ? AND status = 'booked' AND start < ? AND finish > ?",
                [.text(company), .real(to.timeIntervalSince1970), .real(from.timeIntervalSince1970)]).map { row in
                BookedInterval(start: Date(timeIntervalSince1970: row.real(0) ?? 0), end: Date(timeIntervalSince1970: row.real(1) ?? 0),
                               room: row.int(2) ?? 0)
            }
        }
    }

    public func purge(_ scope: TenantScope) async throws(AppointmentStoreError) -> Int {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int in
            _ = try connection.execute("DELETE FROM room_units WHERE company_id = ?", [.text(company)])
            return try connection.execute("DELETE FROM appointments WHERE company_id = ?", [.text(company)])
        }
    }

    public func appointments(withKeyPrefix prefix: String, limit: Int, in scope: TenantScope) async throws(AppointmentStoreError) -> [Appointment] {
        // A range on the (company, key) index: every key that starts with the prefix sorts between these two.
        let bindings: [SQLiteValue] = [.text(scope.companyID.rawValue), .text(prefix), .text(prefix + "\u{10FFFF}"), .integer(max(1, min(limit, 10_000)))]
        return try await reading { (connection) throws(SQLiteError) -> [Appointment] in
            try connection.query("""
                SELECT \(Self.columns) FROM appointments WHERE company_id = ? AND idempotency_key >= ? AND idempotency_key < ? ORDER BY start, id LIMIT ?
                """, bindings).compactMap(Self.appointment)
        }
    }

    public func erase(_ ids: [String], in scope: TenantScope) async throws(AppointmentStoreError) -> Int {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int in
            var removed = 0
            for id in ids {
                _ = try connection.execute("DELETE FROM room_units WHERE company_id = ? AND appointment_id = ?", [.text(company), .text(id)])
                removed += try connection.execute("DELETE FROM appointments WHERE company_id = ? AND id = ?", [.text(company), .text(id)])
            }
            return removed
        }
    }

    // MARK: Rows

    static let columns = "id, treatment, start, finish, room, status, patient, code, idempotency_key, notes, created_at, updated_at, cancelled_at, late"
    static let separator = "\u{1F}"

    static func searchText(_ patient: PatientDetails) -> String {
        separator + patient.searchKeys.joined(separator: separator) + separator
    }

    static func encode(_ patient: PatientDetails) throws(AppointmentStoreError) -> String {
        guard let data = try? JSONEncoder().encode(patient) else { throw AppointmentStoreError("cannot encode the patient") }
        return String(decoding: data, as: UTF8.self)
    }

    static func appointment(_ row: SQLiteRow) -> Appointment? {
        guard let id = row.text(0), let treatment = row.text(1), let start = row.real(2), let end = row.real(3), let patientJSON = row.text(6),
              let patient = try? JSONDecoder().decode(PatientDetails.self, from: Data(patientJSON.utf8)), let code = row.text(7) else { return nil }
        return Appointment(id: id, treatment: treatment, start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: end),
                           room: row.int(4) ?? 0, status: AppointmentStatus(rawValue: row.text(5) ?? "") ?? .unknown, patient: patient,
                           confirmationCode: code, idempotencyKey: row.text(8), notes: row.text(9),
                           createdAt: Date(timeIntervalSince1970: row.real(10) ?? 0), updatedAt: Date(timeIntervalSince1970: row.real(11) ?? 0),
                           cancelledAt: row.real(12).map(Date.init(timeIntervalSince1970:)), lateCancellation: (row.int(13) ?? 0) != 0)
    }

    /// The first room none of whose `units` is held (by another appointment than `excluding`).
    static func freeRoom(_ connection: SQLiteConnection, company: String, units: ClosedRange<Int64>, rooms: Int,
                         excluding: String?) throws(SQLiteError) -> Int? {
        for room in 0..<rooms {
            let held = try connection.query(
                "SELECT 1 FROM room_units WHERE company_id = ? AND room = ? AND unit BETWEEN ? AND ? AND appointment_id != ? LIMIT 1",
                [.text(company), .integer(room), .integer(units.lowerBound), .integer(units.upperBound), .text(excluding ?? "")])
            if held.isEmpty { return room }
        }
        return nil
    }

    static func take(_ connection: SQLiteConnection, company: String, room: Int, units: ClosedRange<Int64>,
                     appointment: String) throws(SQLiteError) {
        for unit in units {
            _ = try connection.execute("INSERT INTO room_units (company_id, room, unit, appointment_id) VALUES (?, ?, ?, ?)",
                                       [.text(company), .integer(room), .integer(unit), .text(appointment)])
        }
    }

    // MARK: Running

    private func writing<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(AppointmentStoreError) -> T {
        do {
            return try await database.write(body)
        } catch {
            throw AppointmentStoreError("appointment database: \(error.message)")
        }
    }

    private func reading<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(AppointmentStoreError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw AppointmentStoreError("appointment database: \(error.message)")
        }
    }
}
