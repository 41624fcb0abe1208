import AppointmentsCore
import Foundation
import ServiceLogging
import Testing
import TenantStorage
import TestSupport
import Wire
import WireRPC
@testable import AgentCore

/// The processor on a real SQLite inbox, a real conversation engine and the local fake Chatwoot: what an
/// attempt after a failure or a crash does.
@Suite(.serialized) struct WebhookProcessorTests {
    struct Setup {
        let processor: WebhookProcessor
        let inbox: SQLiteWebhookInbox
        let engine: ConversationEngine
        let company: Company
        let scope: TenantScope
    }

    func withProcessor(policy: WebhookProcessor.Policy = WebhookProcessor.Policy(), _ body: (Setup, FakeChatwoot) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "processor-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fake = FakeChatwoot()
        try await withLocalHTTPServer(fake) { base, http in
            let memory = try await SQLiteConversationStore(path: directory + "/memory.sqlite3")
            let book = AppointmentBook(store: try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3"))
            let engine = ConversationEngine(memory: memory, knowledge: BookingConversationTests.NoDocuments(), appointments: book,
                                            logger: Logger(component: "agent-test"))
            let inbox = try await SQLiteWebhookInbox(path: directory + "/inbox.sqlite3")
            defer { inbox.close() }
            let json = #"{"company_id":"benova","company_name":"Benova","sales_agent_name":"María","chatwoot_account_id":"7","#
                + #""chatwoot":{"base_url":"\#(base)"}}"#
            let company = try JSONDecoder().decode(Company.self, from: Data(json.utf8))
            let processor = WebhookProcessor(
                inbox: inbox, engine: engine, chatwoot: ChatwootClient(client: http, timeout: .seconds(3), initialBackoff: .milliseconds(20)),
                journal: try SendJournal(path: directory + "/sends.journal"), company: { _ in .found(company) },
                token: { (_) throws(RPCError) -> String? in "bot-token" }, policy: policy, logger: Logger(component: "agent-test"))
            try await body(Setup(processor: processor, inbox: inbox, engine: engine, company: company, scope: try TenantScope(company: company)), fake)
        }
    }

    func emergency(_ id: Int) -> ChatwootEvent {
        ChatwootEvent(kind: .patientMessage, event: "message_created", accountID: "7", conversationID: 70, messageID: id, userID: "chatwoot_contact_70",
                      content: "me puse relleno ayer y el labio se me está poniendo morado", status: "open", deduplicationKey: "message:7:\(id)")
    }

    @Test func anEarlierAttemptsEngineRun_IsReused_AndItsEscalationIsStillSent() async throws {
        try await withProcessor { setup, fake in
            let event = emergency(7001)
            guard case .stored(let id) = try await setup.inbox.accept(event, body: [], at: Date(), in: setup.scope) else {
                Issue.record("not stored")
                return
            }
            // The first attempt claimed it, ran the engine (which paused the bot and escalated), and died before
            // it recorded the answer.
            _ = try await setup.inbox.claim(limit: 1, lease: .seconds(60), at: Date())
            _ = try await setup.engine.handle(ChatRequest(companyID: setup.company.id, userID: "chatwoot_contact_70", message: event.content ?? ""),
                                              company: setup.company, scope: setup.scope)
            #expect(try await setup.inbox.releaseOrphanedClaims(at: Date()) == 1)
            let retry = try #require(try await setup.inbox.claim(limit: 1, lease: .seconds(60), at: Date()).first)
            #expect(retry.id == id && retry.attempts == 2)
            await setup.processor.process(retry)

            let done = try await setup.inbox.event(id, in: setup.scope)
            #expect(done?.state == .done && done?.outcome == "replied and escalated (emergency)", "\(String(describing: done))")
            let paths = fake.calls.withLock { $0.map(\.path) }
            #expect(paths.map { $0.split(separator: "/").last.map(String.init) ?? "" } == ["messages", "toggle_status", "toggle_priority", "labels", "messages"],
                    "\(paths)")
            let history = try await setup.engine.memory.history(userID: "chatwoot_contact_70", at: Date(), in: setup.scope)
            #expect(history.filter { $0.role == .user }.count == 1, "the patient's message is in memory once")
        }
    }

    @Test func anAttempt_StopsAtHalfItsLease() async throws {
        try await withProcessor(policy: WebhookProcessor.Policy(lease: .milliseconds(600))) { setup, _ in
            // The fake's account `slow` answers after 8 s; the chatwoot client would wait 3 s.
            let event = ChatwootEvent(kind: .patientMessage, event: "message_created", accountID: "slow", conversationID: 71, messageID: 7101,
                                      userID: "chatwoot_contact_71", content: "hola", status: "open", deduplicationKey: "message:slow:7101")
            guard case .stored(let id) = try await setup.inbox.accept(event, body: [], at: Date(), in: setup.scope) else { return }
            let claimed = try #require(try await setup.inbox.claim(limit: 1, lease: .milliseconds(600), at: Date()).first)
            let start = ContinuousClock.now
            await setup.processor.process(claimed)
            #expect(ContinuousClock.now - start < .seconds(2), "stopped at 300 ms, not at the client's 3 s")
            let waiting = try await setup.inbox.event(id, in: setup.scope)
            #expect(waiting?.state == .pending && waiting?.lastError?.contains("half the lease") == true, "\(String(describing: waiting))")
        }
    }

    @Test func aCompletionFromAStaleClaim_ChangesNothing() async throws {
        try await withProcessor { setup, _ in
            guard case .stored(let id) = try await setup.inbox.accept(emergency(7002), body: [], at: Date(), in: setup.scope) else { return }
            let first = try #require(try await setup.inbox.claim(limit: 1, lease: .seconds(1), at: Date()).first)
            // The lease ran out and another worker claimed it; the first one's completion is refused.
            let second = try #require(try await setup.inbox.claim(limit: 1, lease: .seconds(60), at: Date().addingTimeInterval(2)).first)
            #expect(second.attempts == first.attempts + 1)
            try await setup.inbox.complete(id, attempt: first.attempts, outcome: "stale", at: Date(), in: setup.scope)
            #expect(try await setup.inbox.event(id, in: setup.scope)?.state == .processing)
            try await setup.inbox.complete(id, attempt: second.attempts, outcome: "replied", at: Date(), in: setup.scope)
            #expect(try await setup.inbox.event(id, in: setup.scope)?.outcome == "replied")
        }
    }
}
