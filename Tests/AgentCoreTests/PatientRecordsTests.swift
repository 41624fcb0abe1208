import AppointmentsCore
import ServiceLogging
import Foundation
import Testing
import TenantStorage
import Wire
import WireRPC
@testable import AgentCore

/// A patient's export and erasure across the agent service's three stores, and the retention sweep, on the
/// embedded (SQLite) stores; the stores' own contracts cover Redis.
struct PatientRecordsTests {
    struct Stores {
        let memory: SQLiteConversationStore
        let appointments: SQLiteAppointmentStore
        let inbox: SQLiteWebhookInbox
        let directory: String

        static func make() async throws -> Stores {
            let directory = NSTemporaryDirectory() + "patient-\(UUID().uuidString.prefix(8))"
            return Stores(memory: try await SQLiteConversationStore(path: directory + "/memory.sqlite3"),
                          appointments: try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3"),
                          inbox: try await SQLiteWebhookInbox(path: directory + "/inbox.sqlite3"), directory: directory)
        }

        var records: PatientRecords { PatientRecords(memory: memory, appointments: appointments, inbox: inbox) }

        func close() {
            memory.close()
            appointments.close()
            inbox.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    func company(_ id: String, retentionDays: Int? = nil) throws -> Company {
        var company = Company(id: try #require(CompanyID(id)), companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents")
        company.memory = MemorySettings(retentionDays: retentionDays)
        return company
    }

    func booking(_ id: String, key: String, at start: Date) -> Appointment {
        Appointment(id: id, treatment: "botox", start: start, end: start.addingTimeInterval(1800),
                    patient: PatientDetails(fullName: "Ana Ruiz", phone: "600111222"), confirmationCode: "C-" + id, idempotencyKey: key,
                    createdAt: start, updatedAt: start)
    }

    func event(_ message: Int, contact: Int, text: String) -> ChatwootEvent {
        ChatwootEvent(kind: .patientMessage, event: "message_created", accountID: "7", conversationID: contact, messageID: message,
                      userID: "chatwoot_contact_\(contact)", content: text, status: "open", deduplicationKey: "message:7:\(message)")
    }

    @Test func theExport_GathersEveryStore_AndTheErasure_EmptiesThem_ForThatPatientOnly() async throws {
        let stores = try await Stores.make()
        defer { stores.close() }
        let scope = try TenantScope(company: try company("clinica")), other = try TenantScope(company: try company("otra"))
        let policy = MemoryPolicy()
        let now = Date()
        let user = "chatwoot_contact_5"
        _ = try await stores.memory.append([ConversationMessage(role: .user, text: "quiero una cita", agent: nil, intents: ["schedule"], timestamp: now)],
                                           userID: user, policy: policy, at: now, in: scope)
        try await stores.memory.setCollectedData(["phone": "600111222", "full_name": "Ana Ruiz"], userID: user, policy: policy, at: now, in: scope)
        try await stores.memory.recordTurn(ConversationTurn(id: "t1", userID: user, timestamp: now, agent: "schedule", intents: ["schedule"],
                                                            provider: "builtin", classificationMilliseconds: 0.1, retrievalMilliseconds: 0,
                                                            totalMilliseconds: 1, answered: true, booked: true),
                                           retentionSeconds: 86_400, at: now, in: scope)
        let start = Date(timeIntervalSince1970: 1_796_000_400)
        let rule = OccupancyRule(rooms: 1, bufferSeconds: 0)
        let mine = BookingConversation.idempotencyKey(userID: user, start: "2026-12-04T10:00:00Z")
        // A user whose id only starts the same way ("chatwoot_contact_5" / "chatwoot_contact_5-b") keeps their booking.
        let lookalike = BookingConversation.idempotencyKey(userID: user + "-b", start: "2026-12-04T11:00:00Z")
        _ = try await stores.appointments.book(booking("a1", key: mine, at: start), rule: rule, in: scope)
        _ = try await stores.appointments.book(booking("a2", key: lookalike, at: start.addingTimeInterval(3600)), rule: rule, in: scope)
        _ = try await stores.appointments.book(booking("a3", key: mine, at: start), rule: rule, in: other)
        _ = try await stores.inbox.accept(event(1, contact: 5, text: "mi cédula es 12345678"), body: Array("{}".utf8), at: now, in: scope)
        _ = try await stores.inbox.accept(event(2, contact: 6, text: "hola"), body: [], at: now, in: scope)

        let export = try await stores.records.export(userID: user, at: now, in: scope)
        #expect(export.messages.map(\.text) == ["quiero una cita"])
        #expect(export.collectedData["phone"] == "600111222")
        #expect(export.appointments.map(\.id) == ["a1"])
        #expect(export.webhookEvents.map(\.content) == ["mi cédula es 12345678"])
        #expect(export.statisticsRecords == 1)

        let erased = try await stores.records.erase(userID: user, at: now, in: scope)
        #expect(erased == ConversationErasure(conversation: true, statisticsRecords: 1, appointments: 1, webhookEvents: 1))
        await #expect(throws: RPCError.self) { try await stores.records.export(userID: user, at: now, in: scope) }
        var again: RPCError?
        do throws(RPCError) {
            _ = try await stores.records.erase(userID: user, at: now, in: scope)
        } catch {
            again = error
        }
        #expect(again?.code == .notFound)
        // Nobody else lost anything.
        #expect(try await stores.appointments.appointment("a2", in: scope) != nil)
        #expect(try await stores.appointments.appointment("a3", in: other) != nil)
        #expect(try await stores.inbox.events(ofUser: "chatwoot_contact_6", limit: 10, in: scope).count == 1)
    }

    @Test func theRetentionSweep_RemovesOnlyWhatIsOlderThanTheCompanysDays() async throws {
        let stores = try await Stores.make()
        defer { stores.close() }
        let keeping = try company("conserva", retentionDays: 30), unlimited = try company("sinlimite")
        let now = Date()
        let old = now.addingTimeInterval(-40 * 86_400), recent = now.addingTimeInterval(-10 * 86_400)
        let policy = MemoryPolicy(window: 10, ttlSeconds: 365 * 86_400)
        for company in [keeping, unlimited] {
            let scope = try TenantScope(company: company)
            for (user, time) in [("antiguo", old), ("reciente", recent)] {
                _ = try await stores.memory.append([ConversationMessage(role: .user, text: "hola", agent: nil, intents: [], timestamp: time)],
                                                   userID: user, policy: policy, at: time, in: scope)
            }
            guard case .stored(let id) = try await stores.inbox.accept(event(1, contact: 9, text: "hola"), body: [], at: old, in: scope) else {
                Issue.record("not stored")
                return
            }
            try await stores.inbox.complete(id, outcome: "replied", at: old, in: scope)
        }
        let sweep = RetentionSweep(companies: { [keeping, unlimited] }, memory: stores.memory, inbox: stores.inbox,
                                   logger: Logger(component: "retention"))
        #expect(try await sweep.sweep(keeping, at: now) == RetentionSweep.Outcome(conversations: 1, turns: 0, webhookEvents: 1))
        #expect(try await sweep.sweep(unlimited, at: now) == nil)
        let keptScope = try TenantScope(company: keeping), unlimitedScope = try TenantScope(company: unlimited)
        #expect(try await stores.memory.history(userID: "antiguo", at: now, in: keptScope).isEmpty)
        #expect(try await stores.memory.history(userID: "reciente", at: now, in: keptScope).count == 1)
        #expect(try await stores.memory.history(userID: "antiguo", at: now, in: unlimitedScope).count == 1)
        #expect(try await stores.inbox.counts(in: unlimitedScope)[.done] == 1)
        #expect(try await stores.inbox.counts(in: keptScope)[.done] ?? 0 == 0)
        // sweepAll goes through every active company the same way (nothing left to remove now).
        await sweep.sweepAll(at: now)
        #expect(try await stores.memory.history(userID: "reciente", at: now, in: keptScope).count == 1)
    }

    @Test func aMessageBeingAnswered_StopsTheErasureAfterTheInbox_UntilItIsDone() async throws {
        let stores = try await Stores.make()
        defer { stores.close() }
        let scope = try TenantScope(company: try company("clinica"))
        let now = Date(), user = "chatwoot_contact_8"
        _ = try await stores.memory.append([ConversationMessage(role: .user, text: "hola", agent: nil, intents: [], timestamp: now)],
                                           userID: user, policy: MemoryPolicy(), at: now, in: scope)
        _ = try await stores.inbox.accept(event(1, contact: 8, text: "una pregunta"), body: [], at: now, in: scope)
        let claimed = try await stores.inbox.claim(limit: 1, lease: .seconds(60), at: now)
        var refusal: RPCError?
        do throws(RPCError) {
            _ = try await stores.records.erase(userID: user, at: now, in: scope)
        } catch {
            refusal = error
        }
        #expect(refusal?.code == .aborted && refusal?.metadata[RPCError.errorCodeMetadataKey] == "conversation_busy", "\(String(describing: refusal))")
        // The worker's conversation is left for it to finish; once it has, the erasure goes through.
        #expect(try await stores.memory.history(userID: user, at: now, in: scope).count == 1)
        for event in claimed { try await stores.inbox.complete(event.id, outcome: "replied", at: now, in: scope) }
        let erased = try await stores.records.erase(userID: user, at: now, in: scope)
        #expect(erased.conversation && erased.webhookEvents == 1)
    }
}
