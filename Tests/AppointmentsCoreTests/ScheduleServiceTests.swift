import Foundation
import HTTPClient
import HTTPServerCore
import NetworkCore
import Synchronization
import Testing
import TenantStorage
import TestSupport
import Wire
@testable import AppointmentsCore

/// A local server that speaks the original schedule service's contract, with its failure modes: `down`
/// (500 everywhere), `slow` (answers after the time limit), `garbled` (not JSON), and the two slot formats.
final class FakeScheduleService: HTTPResponder, Sendable {
    let mode = Mutex("ok")
    let healthCalls = Atomic<Int>(0)
    let dates = Mutex<[String]>([])

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 16 }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        let mode = self.mode.withLock { $0 }
        if request.path == "/health" {
            healthCalls.add(1, ordering: .relaxed)
            return mode == "down" ? HTTPResponse(status: 503) : .json(200, Array(#"{"status":"ok"}"#.utf8))
        }
        switch mode {
        case "down": return HTTPResponse(status: 500, body: Array("boom".utf8))
        case "slow":
            try? await Task.sleep(for: .seconds(5))
            return HTTPResponse(status: 200)
        case "garbled": return .json(200, Array(#"{"success": true, "data": "#.utf8))
        default: break
        }
        guard request.path == "/check-availability", let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
              let date = body["date"] as? String else { return HTTPResponse(status: 400) }
        dates.withLock { $0.append(date) }
        // Both formats the original accepted, unsorted, with one bad entry.
        let answer = #"{"success": true, "data": {"available_slots": ["16:30", {"time": "9:00"}, {"time": "10:30"}, "25:00"]}}"#
        return .json(200, Array(answer.utf8))
    }
}

@Suite(.serialized) struct ScheduleServiceTests {
    func withService(_ body: (String, FakeScheduleService, HTTPClient) async throws -> Void) async throws {
        let fake = FakeScheduleService()
        try await withLocalHTTPServer(fake) { base, client in try await body(base, fake, client) }
    }

    func company(_ url: String, fallback: String = "builtin") throws -> Company {
        let json = #"{"company_id":"benova","company_name":"Benova","timezone":"Europe/Madrid","treatment_durations":{"botox":30},"#
            + #""schedule_service_url":"\#(url)","booking":{"minimum_notice_minutes":0,"schedule_service_fallback":"\#(fallback)"}}"#
        return try JSONDecoder().decode(Company.self, from: Data(json.utf8))
    }

    /// Monday 7 December 2026, 08:00 in Madrid.
    let now = Date(timeIntervalSince1970: 1_796_540_400)

    func book(_ client: HTTPClient, _ settings: ScheduleServiceClient.Settings = ScheduleServiceClient.Settings()) async throws -> AppointmentBook {
        let directory = NSTemporaryDirectory() + "schedule-\(UUID().uuidString.prefix(8))"
        let store = try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3")
        let now = self.now
        return AppointmentBook(store: store, scheduleService: ScheduleServiceClient(client: client, settings: settings), clock: { now })
    }

    @Test func times_ComeFromTheService_WithHealthCached() async throws {
        try await withService { base, fake, client in
            let book = try await book(client)
            let company = try company(base)
            let scope = try TenantScope(company: company)
            let request = AvailabilityRequest(companyID: company.id, treatment: "botox", day: "2026-12-08")
            let answer = try await book.availability(request, company: company, scope: scope)
            #expect(answer.source == "external" && answer.note == nil)
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Europe/Madrid")
            #expect(answer.slots.map { formatter.string(from: $0) } == ["2026-12-08T09:00:00+01:00", "2026-12-08T10:30:00+01:00", "2026-12-08T16:30:00+01:00"])
            #expect(fake.dates.withLock { $0 } == ["08-12-2026"])
            // Afternoon only; and a second question within 30 s does not probe the health again.
            let afternoon = try await book.availability(AvailabilityRequest(companyID: company.id, treatment: "botox", day: "2026-12-08", partOfDay: "tarde"),
                                                        company: company, scope: scope)
            #expect(afternoon.slots.count == 1)
            #expect(fake.healthCalls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func aServiceThatFails_FallsBackAsConfigured() async throws {
        var quick = ScheduleServiceClient.Settings()
        quick.requestTimeout = .milliseconds(500)
        quick.healthTTL = .milliseconds(1)
        try await withService { base, fake, client in
            let book = try await book(client, quick)
            for mode in ["down", "slow", "garbled"] {
                fake.mode.withLock { $0 = mode }
                let builtin = try company(base)
                let answer = try await book.availability(AvailabilityRequest(companyID: builtin.id, treatment: "botox", day: "2026-12-08"),
                                                         company: builtin, scope: try TenantScope(company: builtin))
                #expect(answer.source == "builtin" && answer.note != nil && !answer.slots.isEmpty, "\(mode)")
                let human = try company(base, fallback: "human")
                await #expect(throws: AppointmentError.self, "\(mode)") {
                    try await book.availability(AvailabilityRequest(companyID: human.id, treatment: "botox", day: "2026-12-08"),
                                                company: human, scope: try TenantScope(company: human))
                }
            }
            // An unreachable service (nothing listening) is the same.
            let gone = try company("http://127.0.0.1:9")
            let answer = try await book.availability(AvailabilityRequest(companyID: gone.id, treatment: "botox", day: "2026-12-08"),
                                                     company: gone, scope: try TenantScope(company: gone))
            #expect(answer.source == "builtin")
        }
    }

    @Test func scheduleRequests_AreForwardedInTheOriginalShape() async throws {
        try await withService { base, fake, client in
            fake.mode.withLock { $0 = "down" }
            let service = ScheduleServiceClient(client: client)
            await #expect(throws: ScheduleServiceError.self) {
                try await service.scheduleRequest(message: "quiero cita", userID: "chatwoot_contact_1", history: [], baseURL: base)
            }
            #expect(await service.isHealthy(base) == false)
        }
    }
}
