import Foundation
import RedisClient
import Testing
import TenantStorage
import Wire
@testable import AppointmentsCore

enum AppointmentStoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, redis
    var testDescription: String { rawValue }
}

/// A store of `kind` and a way to close it (the Redis one on the server scripts/test.sh starts).
func makeAppointmentStore(_ kind: AppointmentStoreKind) async throws -> (store: any AppointmentStore, close: @Sendable () -> Void) {
    switch kind {
    case .sqlite:
        let directory = NSTemporaryDirectory() + "appointments-\(UUID().uuidString.prefix(8))"
        let store = try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3")
        return (store, { store.close(); try? FileManager.default.removeItem(atPath: directory) })
    case .redis:
        guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
            throw AppointmentStoreError("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
        }
        let redis = try RedisClient(url: url, poolSize: 8)
        return (RedisAppointmentStore(redis: redis), { redis.shutdown() })
    }
}

func appointmentScope(_ id: String) -> TenantScope {
    // The ids and prefixes are valid by construction.
    try! TenantScope(company: Company(id: CompanyID(id)!, companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents"))
}

/// One contract, both stores.
struct AppointmentStoreContractTests {
    func freshScope() -> TenantScope { appointmentScope("a" + UUID().uuidString.prefix(8).lowercased()) }
    let base = Date(timeIntervalSince1970: 1_796_000_400)  // a time on the five-minute grid

    func appointment(_ id: String, at minutes: Int, for duration: Int = 30, key: String? = nil, phone: String = "+34 600 111 222",
                     name: String = "Lucía Pérez") -> Appointment {
        let start = base.addingTimeInterval(Double(minutes) * 60)
        return Appointment(id: id, treatment: "botox", start: start, end: start.addingTimeInterval(Double(duration) * 60),
                           patient: PatientDetails(fullName: name, idNumber: "12345678Z", phone: phone), confirmationCode: "C-" + id,
                           idempotencyKey: key, createdAt: base, updatedAt: base)
    }

    @Test(arguments: AppointmentStoreKind.allCases) func bookings_FillRooms_RespectBuffers_AndReplayKeys(kind: AppointmentStoreKind) async throws {
        let (store, close) = try await makeAppointmentStore(kind)
        defer { close() }
        let scope = freshScope(), other = freshScope()
        let two = OccupancyRule(rooms: 2, bufferSeconds: 600)
        guard case .booked(let first) = try await store.book(appointment("a1", at: 0), rule: two, in: scope) else { Issue.record("a1"); return }
        guard case .booked(let second) = try await store.book(appointment("a2", at: 10), rule: two, in: scope) else { Issue.record("a2"); return }
        #expect(first.room == 0 && second.room == 1)
        #expect(try await store.book(appointment("a3", at: 20), rule: two, in: scope) == .taken)
        // a1 holds room 0 until 00:30 + 10 minutes of buffer.
        #expect(try await store.book(appointment("a4", at: 35), rule: OccupancyRule(rooms: 1, bufferSeconds: 600), in: scope) == .taken)
        guard case .booked(let fourth) = try await store.book(appointment("a4", at: 40), rule: two, in: scope) else { Issue.record("a4"); return }
        #expect(fourth.room == 0)
        // Another tenant's calendar is its own.
        if case .booked = try await store.book(appointment("a3", at: 20), rule: OccupancyRule(rooms: 1, bufferSeconds: 0), in: other) {} else {
            Issue.record("other tenant")
        }
        // The same idempotency key gives back the first booking, nothing new.
        guard case .booked(let keyed) = try await store.book(appointment("k1", at: 120, key: "req-1"), rule: two, in: scope) else { Issue.record("k1"); return }
        #expect(try await store.book(appointment("k2", at: 240, key: "req-1"), rule: two, in: scope) == .replayed(keyed))
        #expect(try await store.appointment("k2", in: scope) == nil)
        #expect(try await store.appointment("a1", in: other) == nil)
    }

    @Test(arguments: AppointmentStoreKind.allCases) func reschedule_Cancel_List_AndPurge(kind: AppointmentStoreKind) async throws {
        let (store, close) = try await makeAppointmentStore(kind)
        defer { close() }
        let scope = freshScope()
        let one = OccupancyRule(rooms: 1, bufferSeconds: 0)
        _ = try await store.book(appointment("r1", at: 0), rule: one, in: scope)
        _ = try await store.book(appointment("r2", at: 60, phone: "600-333-444", name: "Ana Gómez"), rule: one, in: scope)
        // Onto its own slot (partly) is fine; onto another's is taken.
        guard case .booked(let moved) = try await store.reschedule("r1", start: base.addingTimeInterval(15 * 60), end: base.addingTimeInterval(45 * 60),
                                                                   rule: one, at: base, in: scope) else { Issue.record("move"); return }
        #expect(moved.start == base.addingTimeInterval(15 * 60))
        #expect(try await store.reschedule("r1", start: base.addingTimeInterval(70 * 60), end: base.addingTimeInterval(100 * 60), rule: one, at: base,
                                           in: scope) == .taken)
        #expect(try await store.reschedule("nope", start: base, end: base.addingTimeInterval(60), rule: one, at: base, in: scope) == .notFound)
        // The old slot is free again.
        if case .booked = try await store.book(appointment("r3", at: 0, for: 15), rule: one, in: scope) {} else { Issue.record("old slot") }

        let cancelled = try #require(try await store.cancel("r2", at: base, late: true, in: scope))
        #expect(cancelled.status == .cancelled && cancelled.lateCancellation && cancelled.cancelledAt == base)
        #expect(try await store.cancel("r2", at: base, late: false, in: scope) == nil)
        if case .booked = try await store.book(appointment("r4", at: 60), rule: one, in: scope) {} else { Issue.record("cancelled slot") }

        let day = (base, base.addingTimeInterval(86_400))
        #expect(try await store.list(from: day.0, to: day.1, patient: nil, includeCancelled: false, limit: 50, in: scope).map(\.id) == ["r3", "r1", "r4"])
        #expect(try await store.list(from: day.0, to: day.1, patient: nil, includeCancelled: true, limit: 50, in: scope).count == 4)
        #expect(try await store.list(from: day.0, to: day.1, patient: "600333444", includeCancelled: true, limit: 50, in: scope).map(\.id) == ["r2"])
        #expect(try await store.list(from: day.0, to: day.1, patient: "ana gomez", includeCancelled: true, limit: 50, in: scope).map(\.id) == ["r2"])
        #expect(try await store.list(from: day.0, to: day.1, patient: nil, includeCancelled: false, limit: 2, in: scope).count == 2)
        let intervals = try await store.booked(from: day.0, to: day.1, in: scope)
        #expect(intervals.count == 3 && intervals.allSatisfy { $0.room == 0 })
        #expect(try await store.purge(scope) == 4)
        #expect(try await store.list(from: day.0, to: day.1, patient: nil, includeCancelled: true, limit: 50, in: scope).isEmpty)
        #expect(try await store.booked(from: day.0, to: day.1, in: scope).isEmpty)
    }

    /// 50 patients ask for the last free place at the same moment: exactly one gets it.
    @Test(arguments: AppointmentStoreKind.allCases) func fiftySimultaneousBookings_OfTheLastSlot_OneWins(kind: AppointmentStoreKind) async throws {
        let (store, close) = try await makeAppointmentStore(kind)
        defer { close() }
        let scope = freshScope()
        let rule = OccupancyRule(rooms: 2, bufferSeconds: 300)
        _ = try await store.book(appointment("taken-room", at: 0, for: 60), rule: rule, in: scope)
        let outcomes = await withTaskGroup(of: BookingOutcome?.self) { group in
            for index in 0..<50 {
                group.addTask { try? await store.book(self.appointment("p\(index)", at: 15, for: 30), rule: rule, in: scope) }
            }
            var outcomes: [BookingOutcome?] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let booked = outcomes.filter { if case .booked = $0 { return true } else { return false } }
        #expect(booked.count == 1 && outcomes.filter { $0 == .taken }.count == 49, "\(outcomes)")
        let day = (base, base.addingTimeInterval(86_400))
        #expect(try await store.list(from: day.0, to: day.1, patient: nil, includeCancelled: false, limit: 100, in: scope).count == 2)
    }

    @Test(arguments: AppointmentStoreKind.allCases) func keyPrefixLookup_AndErasure_FreeTheRoom_InOneTenantOnly(kind: AppointmentStoreKind) async throws {
        let (store, close) = try await makeAppointmentStore(kind)
        defer { close() }
        let scope = freshScope(), other = freshScope()
        let one = OccupancyRule(rooms: 1, bufferSeconds: 0)
        for (id, minutes, key) in [("p1", 0, "chat-ana-2026-12-04T10:00:00Z"), ("p2", 60, "chat-ana-2026-12-05T10:00:00Z"),
                                   ("p3", 120, "chat-anabel-2026-12-04T10:00:00Z"), ("p4", 180, "api-1")] {
            guard case .booked = try await store.book(appointment(id, at: minutes, key: key), rule: one, in: scope) else { Issue.record("\(id)"); return }
        }
        guard case .booked = try await store.book(appointment("o1", at: 0, key: "chat-ana-2026-12-04T10:00:00Z"), rule: one, in: other) else {
            Issue.record("o1"); return
        }
        _ = try await store.cancel("p2", at: base, late: false, in: scope)
        // Cancelled ones too; the prefix is a prefix ("chat-ana" also starts "chat-anabel": the caller tells them apart).
        #expect(try await store.appointments(withKeyPrefix: "chat-ana-", limit: 100, in: scope).map(\.id) == ["p1", "p2"])
        #expect(try await store.appointments(withKeyPrefix: "chat-ana", limit: 100, in: scope).map(\.id) == ["p1", "p2", "p3"])
        #expect(try await store.appointments(withKeyPrefix: "chat-nobody-", limit: 100, in: scope).isEmpty)

        #expect(try await store.erase(["p1", "p2", "missing"], in: scope) == 2)
        #expect(try await store.appointment("p1", in: scope) == nil)
        #expect(try await store.appointment(forKey: "chat-ana-2026-12-04T10:00:00Z", in: scope) == nil)
        #expect(try await store.appointments(withKeyPrefix: "chat-ana-", limit: 100, in: scope).isEmpty)
        #expect(try await store.list(from: base.addingTimeInterval(-86_400), to: base.addingTimeInterval(86_400), patient: nil, includeCancelled: true,
                                     limit: 100, in: scope).map(\.id) == ["p3", "p4"])
        // The erased booking's room is free again, and the other tenant's booking is untouched.
        guard case .booked = try await store.book(appointment("p5", at: 0), rule: one, in: scope) else { Issue.record("p5 should fit"); return }
        #expect(try await store.appointment("o1", in: other)?.status == .booked)
        #expect(try await store.erase(["o1"], in: scope) == 0)
        #expect(try await store.appointment("o1", in: other) != nil)
    }
}
