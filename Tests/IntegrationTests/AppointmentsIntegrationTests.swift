import Foundation
import RedisClient
import SQLiteClient
import Synchronization
import Testing

extension IntegrationSuite {
    /// Appointments end to end: gateway → agent service (→ SQLite), with the race for the last slot.
    @Suite(.serialized) struct AppointmentsIntegrationTests {
        func json(_ object: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        }

        func call(_ fixture: GatewayFixture, _ method: String, _ target: String, company: String = "benova", body: Any? = nil,
                  headers extra: [String: String] = [:]) -> RawHTTPResponse? {
            var headers = ["X-API-Key": fixture.adminKey, "X-Company-ID": company]
            if body != nil { headers["Content-Type"] = "application/json" }
            for (name, value) in extra { headers[name] = value }
            return fixture.request(method, target, headers: headers, body: body.map(json))
        }

        static var patient: [String: Any] { ["full_name": "Lucía Pérez", "id_number": "12345678Z", "phone": "+57 300 111 2222"] }

        func slots(_ fixture: GatewayFixture, from: String? = nil) -> [String] {
            var target = "/api/appointments/availability?treatment=Botox&limit=20"
            if let from { target += "&from=" + (from.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? from) }
            let answer = call(fixture, "GET", target)
            return ((answer?.json?["slots"] as? [[String: Any]]) ?? []).compactMap { $0["start"] as? String }
        }

        /// On the embedded store and on a real Redis (the agent service's `APPOINTMENTS_STORE=redis`).
        @Test(arguments: ["sqlite", "redis"]) func booking_IsRaceFree_Validated_Idempotent_AndTenantScoped(store: String) async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            var environment: [String: String] = [:]
            if store == "redis" {
                let url = try #require(ProcessInfo.processInfo.environment["TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 },
                                       "TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
                let redis = try RedisClient(url: url, poolSize: 1)
                defer { redis.shutdown() }
                // A clean calendar: earlier runs on this server left benova's appointments behind.
                _ = try await redis.deleteKeys(withPrefix: "benova:appointment")
                environment = ["APPOINTMENTS_STORE": "redis", "REDIS_URL": url]
            }
            try await fixture.start(environment: environment, startAllServices: true)

            let available = slots(fixture)
            #expect(available.count == 20, "\(call(fixture, "GET", "/api/appointments/availability?treatment=Botox&limit=20")?.text ?? "no answer")")
            let start = try #require(available.first)
            // Benova's calendar is in Bogotá.
            #expect(start.hasSuffix("-05:00"))

            // 50 patients ask for the same slot at once: one gets it, 49 are told it is taken.
            let port = fixture.httpPort, adminKey = fixture.adminKey
            let statuses = Mutex<[String]>([])
            await runOnThreads(50) { index in
                guard let connection = RawHTTPConnection(port: port) else { return }
                var patient = Self.patient
                patient["phone"] = "+57 300 000 \(1000 + index)"
                let body = String(decoding: (try? JSONSerialization.data(withJSONObject: ["treatment": "botox", "start": start, "patient": patient])) ?? Data(),
                                  as: UTF8.self)
                connection.send("POST /api/appointments HTTP/1.1\r\nHost: t\r\nX-API-Key: \(adminKey)\r\nX-Company-ID: benova\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                let response = connection.readResponse()
                statuses.withLock { $0.append("\(response?.status ?? 0) \(response?.errorCode ?? "")") }
            }
            let outcomes = statuses.withLock { $0 }
            #expect(outcomes.filter { $0.hasPrefix("201") }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == "409 slot_taken" }.count == 49, "\(outcomes)")
            #expect(!slots(fixture).contains(start))

            // Clear errors.
            #expect(call(fixture, "POST", "/api/appointments", body: ["treatment": "tatuaje", "start": available[1], "patient": Self.patient])?
                .errorCode == "unknown_treatment")
            #expect(call(fixture, "POST", "/api/appointments", body: ["treatment": "botox", "start": available[1], "patient": ["full_name": "Ana"]])?
                .errorCode == "missing_patient_fields")
            #expect(call(fixture, "POST", "/api/appointments", body: ["treatment": "botox", "start": "2020-01-01T10:00:00-05:00", "patient": Self.patient])?
                .errorCode == "past_time")
            let night = String(available[1].prefix(11)) + "03:00:00-05:00"
            let refused = call(fixture, "POST", "/api/appointments", body: ["treatment": "botox", "start": night, "patient": Self.patient])
            #expect(refused?.status == 422 && ["outside_hours", "too_soon", "past_time"].contains(refused?.errorCode ?? ""), "\(refused?.text ?? "")")
            #expect(call(fixture, "POST", "/api/appointments", body: ["treatment": "botox", "start": "mañana", "patient": Self.patient])?.status == 422)

            // An idempotency key makes a retry return the first booking.
            let later = slots(fixture, from: ISO8601DateFormatter().string(from: Date().addingTimeInterval(3 * 86_400)))
            let slot = try #require(later.first)
            let first = call(fixture, "POST", "/api/appointments", body: ["treatment": "botox", "start": slot, "patient": Self.patient],
                             headers: ["Idempotency-Key": "crm-42"])
            let again = call(fixture, "POST", "/api/appointments", body: ["treatment": "botox", "start": later[1], "patient": Self.patient],
                             headers: ["Idempotency-Key": "crm-42"])
            #expect(first?.status == 201 && again?.status == 200 && again?.json?["replayed"] as? Bool == true)
            let booked = try #require(first?.json?["appointment"] as? [String: Any])
            let id = try #require(booked["id"] as? String)
            #expect((again?.json?["appointment"] as? [String: Any])?["id"] as? String == id)
            #expect((booked["confirmation_code"] as? String)?.count == 7)

            // Reschedule, list by patient, cancel (three days ahead: outside the 24-hour window).
            let moved = call(fixture, "POST", "/api/appointments/\(id)/reschedule", body: ["start": later[2]])
            #expect(moved?.status == 200 && (moved?.json?["appointment"] as? [String: Any])?["start"] as? String == later[2], "\(moved?.text ?? "")")
            let listed = call(fixture, "GET", "/api/appointments?patient=%2B57%20300%20111%202222&to="
                + (ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 86_400)).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect((listed?.json?["appointments"] as? [[String: Any]])?.map { $0["id"] as? String } == [id], "\(listed?.text ?? "")")
            // Another clinic sees none of it.
            #expect(call(fixture, "GET", "/api/appointments/\(id)", company: "medispa")?.status == 404)
            #expect(call(fixture, "DELETE", "/api/appointments/\(id)", company: "medispa")?.status == 404)
            let cancelled = call(fixture, "DELETE", "/api/appointments/\(id)")
            #expect(cancelled?.status == 200 && (cancelled?.json?["appointment"] as? [String: Any])?["status"] as? String == "cancelled")
            #expect(call(fixture, "DELETE", "/api/appointments/\(id)")?.status == 404)
            // The race winner starts within hours: inside the 24-hour window, not cancellable here.
            let winners = call(fixture, "GET", "/api/appointments")?.json?["appointments"] as? [[String: Any]] ?? []
            let soon = try #require(winners.first { $0["start"] as? String == start }?["id"] as? String)
            #expect(call(fixture, "DELETE", "/api/appointments/\(soon)")?.errorCode == "cancellation_window")

            // What the engine understands, in the clinic's zone.
            let parsed = call(fixture, "POST", "/api/appointments/parse-datetime", body: ["text": "el viernes a las 4 de la tarde", "now": "2026-12-02T10:00:00-05:00"])
            #expect(parsed?.json?["date"] as? String == "2026-12-04" && parsed?.json?["start"] as? String == "2026-12-04T16:00:00-05:00",
                    "\(parsed?.text ?? "")")
            #expect(parsed?.json?["ambiguous"] as? Bool == false)

            // Booking settings are validated field by field through the admin API.
            let invalid = call(fixture, "PATCH", "/api/admin/companies/benova", body: ["booking": ["capacity": 0, "slot_minutes": 7]])
            let fields = ((invalid?.json?["error"] as? [String: Any])?["details"] as? [String: Any])?["fields"] as? [String: Any]
            #expect(invalid?.status == 422 && fields?["booking.capacity"] != nil && fields?["booking.slot_minutes"] != nil, "\(invalid?.text ?? "")")

            // A purge erases the clinic's appointments in the agent service's store.
            let purged = await fixture.purge("benova")
            #expect(purged?.status == 200, "\(purged?.text ?? "")")
            if store == "redis", let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"] {
                let redis = try RedisClient(url: url, poolSize: 1)
                defer { redis.shutdown() }
                #expect(try await redis.deleteKeys(withPrefix: "benova:appointment") == 0)
            } else {
                let database = try await SQLiteDatabase(path: fixture.directory + "/data/agent/appointments.sqlite3", readers: 1)
                defer { database.close() }
                let left = try await database.read { (connection) throws(SQLiteError) -> Int in
                    try connection.query("SELECT COUNT(*) FROM appointments WHERE company_id = 'benova'").first?.int(0) ?? -1
                }
                #expect(left == 0)
            }
        }
    }
}
