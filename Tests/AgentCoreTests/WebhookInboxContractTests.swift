import Foundation
import RedisClient
import Testing
import TenantStorage
import Wire
@testable import AgentCore

enum InboxKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, redis
    var testDescription: String { rawValue }
}

/// A fresh inbox of `kind`; `reopen` makes another instance on the same storage (a restarted replica:
/// the same database file, or the same stream, group and consumer name).
struct InboxUnderTest {
    let inbox: any WebhookInbox
    let reopen: @Sendable (_ consumer: String?) async throws -> any WebhookInbox
    let close: @Sendable () -> Void

    static func make(_ kind: InboxKind) async throws -> InboxUnderTest {
        switch kind {
        case .sqlite:
            let directory = NSTemporaryDirectory() + "inbox-\(UUID().uuidString.prefix(8))"
            let path = directory + "/inbox.sqlite3"
            let inbox = try await SQLiteWebhookInbox(path: path)
            return InboxUnderTest(inbox: inbox, reopen: { _ in try await SQLiteWebhookInbox(path: path) },
                                  close: { inbox.close(); try? FileManager.default.removeItem(atPath: directory) })
        case .redis:
            guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
                throw WebhookInboxError("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
            }
            let redis = try RedisClient(url: url, poolSize: 4)
            let stream = "test:webhook:stream:" + UUID().uuidString.prefix(8)
            let inbox = RedisWebhookInbox(redis: redis, streamKey: stream, group: "agents", consumer: "replica-a")
            return InboxUnderTest(inbox: inbox,
                                  reopen: { consumer in RedisWebhookInbox(redis: redis, streamKey: stream, group: "agents", consumer: consumer ?? "replica-a") },
                                  close: { _ = Task { _ = try? await redis.command("DEL", RedisArgument(stream)); redis.shutdown() } })
        }
    }
}

/// One inbox contract, both stores: atomic de-duplication, per-conversation order, leases, retries and dead
/// letters, crash recovery, and tenants kept apart in every operation.
@Suite struct WebhookInboxContractTests {
    func freshScope() -> TenantScope {
        let id = "w" + UUID().uuidString.prefix(8).lowercased()
        // The ids and prefixes are valid by construction.
        return try! TenantScope(company: Company(id: CompanyID(id)!, companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents"))
    }

    func message(_ id: Int, conversation: Int, text: String = "hola", account: String = "7") -> ChatwootEvent {
        ChatwootEvent(kind: .patientMessage, event: "message_created", accountID: account, conversationID: conversation, messageID: id,
                      userID: "chatwoot_contact_\(conversation)", content: text, status: "open", deduplicationKey: "message:\(account):\(id)")
    }

    func stored(_ acceptance: InboxAcceptance) -> String? {
        if case .stored(let id) = acceptance { return id }
        return nil
    }

    @Test(arguments: InboxKind.allCases) func concurrentDeliveries_AreStoredOnce_PerTenant(kind: InboxKind) async throws {
        let subject = try await InboxUnderTest.make(kind)
        defer { subject.close() }
        let inbox = subject.inbox, scope = freshScope(), other = freshScope()
        let event = message(810, conversation: 1)
        let results = try await withThrowingTaskGroup(of: InboxAcceptance.self) { group in
            for _ in 0..<20 { group.addTask { try await inbox.accept(event, body: Array("{}".utf8), at: Date(), in: scope) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let ids = Set(results.map { acceptance -> String in
            switch acceptance {
            case .stored(let id), .duplicate(let id): id
            }
        })
        #expect(results.compactMap(stored).count == 1 && ids.count == 1, "\(results)")
        // The same message id at another clinic is another event.
        #expect(stored(try await inbox.accept(event, body: [], at: Date(), in: other)) != nil)
        #expect(try await inbox.list(state: nil, offset: 0, limit: 10, in: scope).total == 1)
        #expect(try await inbox.counts(in: other)[.pending] == 1)
    }

    @Test(arguments: InboxKind.allCases) func eventsOfAConversation_AreClaimedOneAtATime_InOrder(kind: InboxKind) async throws {
        let subject = try await InboxUnderTest.make(kind)
        defer { subject.close() }
        let inbox = subject.inbox, scope = freshScope()
        let now = Date()
        let first = try #require(stored(try await inbox.accept(message(1, conversation: 10), body: [], at: now, in: scope)))
        let second = try #require(stored(try await inbox.accept(message(2, conversation: 10), body: [], at: now, in: scope)))
        let other = try #require(stored(try await inbox.accept(message(3, conversation: 11), body: [], at: now, in: scope)))
        let claimed = try await inbox.claim(limit: 10, lease: .seconds(60), at: now)
        #expect(Set(claimed.map(\.id)) == [first, other], "the second message waits for the first")
        #expect(claimed.allSatisfy { $0.state == .processing && $0.attempts == 1 && $0.companyID == scope.companyID })
        #expect(try await inbox.claim(limit: 10, lease: .seconds(60), at: now).isEmpty)
        try await inbox.complete(first, outcome: "replied", at: now, in: scope)
        let next = try await inbox.claim(limit: 10, lease: .seconds(60), at: now)
        #expect(next.map(\.id) == [second] && next.first?.event.messageID == 2)
        let done = try #require(try await inbox.event(first, in: scope))
        #expect(done.state == .done && done.outcome == "replied")
        #expect(try await inbox.counts(in: scope) == [.pending: 0, .processing: 2, .done: 1, .dead: 0])
    }

    @Test(arguments: InboxKind.allCases) func failures_WaitForTheirRetry_DeadLettersFreeTheConversation_AndCanBeRetried(kind: InboxKind) async throws {
        let subject = try await InboxUnderTest.make(kind)
        defer { subject.close() }
        let inbox = subject.inbox, scope = freshScope()
        let now = Date()
        let first = try #require(stored(try await inbox.accept(message(1, conversation: 20), body: [], at: now, in: scope)))
        let second = try #require(stored(try await inbox.accept(message(2, conversation: 20), body: [], at: now, in: scope)))
        _ = try await inbox.claim(limit: 1, lease: .seconds(60), at: now)
        try await inbox.fail(first, error: "Chatwoot answered 500", retryAt: now.addingTimeInterval(30), at: now, in: scope)
        #expect(try await inbox.claim(limit: 10, lease: .seconds(60), at: now.addingTimeInterval(10)).isEmpty, "not before its retry, nor the next")
        let again = try await inbox.claim(limit: 10, lease: .seconds(60), at: now.addingTimeInterval(31))
        #expect(again.map(\.id) == [first] && again.first?.attempts == 2 && again.first?.lastError == "Chatwoot answered 500")
        try await inbox.fail(first, error: "gave up", retryAt: nil, at: now.addingTimeInterval(31), in: scope)
        #expect(try await inbox.event(first, in: scope)?.state == .dead)
        #expect(try await inbox.claim(limit: 10, lease: .seconds(60), at: now.addingTimeInterval(31)).map(\.id) == [second])
        try await inbox.complete(second, outcome: "replied", at: now.addingTimeInterval(32), in: scope)
        // An operator puts the dead letter back in line: attempts start again.
        let retried = try #require(try await inbox.retry(first, at: now.addingTimeInterval(40), in: scope))
        #expect(retried.state == .pending && retried.attempts == 0)
        #expect(try await inbox.retry(second, at: now, in: scope)?.state == .done, "a done event is not retried")
        #expect(try await inbox.claim(limit: 10, lease: .seconds(60), at: now.addingTimeInterval(41)).map(\.id) == [first])
        #expect(try await inbox.list(state: .dead, offset: 0, limit: 10, in: scope).total == 0)
    }

    @Test(arguments: InboxKind.allCases) func aClaimWhoseWorkerDied_ComesBack(kind: InboxKind) async throws {
        let subject = try await InboxUnderTest.make(kind)
        defer { subject.close() }
        let scope = freshScope()
        let now = Date()
        let id = try #require(stored(try await subject.inbox.accept(message(1, conversation: 30), body: [], at: now, in: scope)))
        #expect(try await subject.inbox.claim(limit: 1, lease: .seconds(60), at: now).map(\.id) == [id])
        // A lease that ran out: due again.
        #expect(try await subject.inbox.claim(limit: 1, lease: .seconds(60), at: now.addingTimeInterval(61)).map(\.id) == [id])
        // The replica restarts: what it held is released at once.
        let restarted = try await subject.reopen(nil)
        #expect(try await restarted.releaseOrphanedClaims(at: now.addingTimeInterval(62)) == 1)
        let reclaimed = try await restarted.claim(limit: 1, lease: .seconds(60), at: now.addingTimeInterval(62))
        #expect(reclaimed.map(\.id) == [id] && reclaimed.first?.attempts == 3)
        try await restarted.complete(id, outcome: "replied", at: now.addingTimeInterval(63), in: scope)
        #expect(try await restarted.claim(limit: 1, lease: .seconds(60), at: now.addingTimeInterval(200)).isEmpty)
    }

    @Test func aReplicaThatStopped_HasItsEntriesTakenOverByAnother() async throws {
        let subject = try await InboxUnderTest.make(.redis)
        defer { subject.close() }
        let scope = freshScope()
        let now = Date()
        let id = try #require(stored(try await subject.inbox.accept(message(1, conversation: 40), body: [], at: now, in: scope)))
        #expect(try await subject.inbox.claim(limit: 1, lease: .milliseconds(300), at: now).map(\.id) == [id])
        // replica-a is gone; replica-b claims the entry once it has been idle for a lease (XAUTOCLAIM).
        let other = try await subject.reopen("replica-b")
        var taken: [InboxEvent] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while taken.isEmpty && ContinuousClock.now < deadline {
            taken = try await other.claim(limit: 1, lease: .milliseconds(300), at: Date().addingTimeInterval(1))
            if taken.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(taken.map(\.id) == [id])
        try await other.complete(id, outcome: "replied", at: Date(), in: scope)
        #expect(try await other.event(id, in: scope)?.state == .done)
    }

    @Test(arguments: InboxKind.allCases) func everyOperation_StaysInsideItsTenant(kind: InboxKind) async throws {
        let subject = try await InboxUnderTest.make(kind)
        defer { subject.close() }
        let inbox = subject.inbox, scope = freshScope(), other = freshScope()
        let now = Date()
        let id = try #require(stored(try await inbox.accept(message(1, conversation: 50), body: Array(#"{"content":"hola"}"#.utf8), at: now, in: scope)))
        #expect(try await inbox.event(id, in: other) == nil)
        #expect(try await inbox.retry(id, at: now, in: other) == nil)
        #expect(try await inbox.list(state: nil, offset: 0, limit: 10, in: other).total == 0)
        try await inbox.recordOutbox(id, step: "reply:0", OutboxStep(state: .sending, payload: "Hola\nqué tal"), at: now, in: scope)
        #expect(try await inbox.outbox(id, in: scope)["reply:0"] == OutboxStep(state: .sending, payload: "Hola\nqué tal"))
        #expect(try await inbox.outbox(id, in: other).isEmpty)
        try await inbox.setConversationState(ChatwootConversationState(status: "pending", humanActive: true), account: "7", conversation: 50, at: now, in: scope)
        #expect(try await inbox.conversationState(account: "7", conversation: 50, in: scope) == ChatwootConversationState(status: "pending", humanActive: true))
        #expect(try await inbox.conversationState(account: "7", conversation: 50, in: other) == ChatwootConversationState())
        let kept = try #require(stored(try await inbox.accept(message(1, conversation: 50), body: [], at: now, in: other)))
        // A purge erases the company's events, outbox and states, and nothing of the other's.
        #expect(try await inbox.purge(scope) == 1)
        #expect(try await inbox.event(id, in: scope) == nil)
        #expect(try await inbox.outbox(id, in: scope).isEmpty)
        #expect(try await inbox.conversationState(account: "7", conversation: 50, in: scope) == ChatwootConversationState())
        #expect(try await inbox.event(kept, in: other)?.state == .pending)
        // The purged event's queue entry is dropped, not processed.
        #expect(try await inbox.claim(limit: 10, lease: .seconds(60), at: now).map(\.id) == [kept])
        // After the purge the same delivery is new again.
        #expect(stored(try await inbox.accept(message(1, conversation: 50), body: [], at: now, in: scope)) != nil)
    }

    @Test(arguments: InboxKind.allCases) func aPatientsEvents_AreListedAndErased_AndRetentionDropsOldFinishedOnes(kind: InboxKind) async throws {
        let under = try await InboxUnderTest.make(kind)
        defer { under.close() }
        let inbox = under.inbox
        let scope = freshScope(), other = freshScope()
        let now = Date()
        let old = now.addingTimeInterval(-40 * 86_400)
        // Conversation 60 is chatwoot_contact_60's; 61 another patient's.
        let first = try #require(stored(try await inbox.accept(message(1, conversation: 60, text: "mi teléfono es 600111222"), body: Array("a".utf8),
                                                               at: old, in: scope)))
        let second = try #require(stored(try await inbox.accept(message(2, conversation: 60, text: "gracias"), body: [], at: now, in: scope)))
        let theirs = try #require(stored(try await inbox.accept(message(3, conversation: 61), body: [], at: old, in: scope)))
        let elsewhere = try #require(stored(try await inbox.accept(message(1, conversation: 60), body: [], at: now, in: other)))
        try await inbox.recordOutbox(first, step: "reply", OutboxStep(state: .sent, payload: "hola"), at: old, in: scope)

        #expect(try await inbox.events(ofUser: "chatwoot_contact_60", limit: 10, in: scope).map(\.id) == [second, first])
        #expect(try await inbox.events(ofUser: "chatwoot_contact_60", limit: 10, in: scope).last?.event.content == "mi teléfono es 600111222")
        #expect(try await inbox.events(ofUser: "chatwoot_contact_60", limit: 1, in: scope).map(\.id) == [second])

        // Retention: only finished events received before the cutoff (the old pending one stays: it is work to do).
        var claimed = try await inbox.claim(limit: 10, lease: .seconds(60), at: now)
        for event in claimed where event.id == theirs { try await inbox.complete(event.id, outcome: "replied", at: now, in: scope) }
        #expect(try await inbox.removeFinished(before: now.addingTimeInterval(-30 * 86_400), in: scope) == 1)
        #expect(try await inbox.event(theirs, in: scope) == nil)
        #expect(try await inbox.event(first, in: scope) != nil)

        // Erasure: the patient's events in any state, with their outbox; nobody else's. Not the one a worker is
        // answering (its lease runs): it is counted as busy and erased once it is released.
        #expect(claimed.contains { $0.id == first })
        let whileAnswering = try await inbox.erase(userID: "chatwoot_contact_60", at: now, in: scope)
        #expect(whileAnswering.erased == 1 && whileAnswering.busy == 1, "\(whileAnswering)")
        #expect(try await inbox.event(first, in: scope)?.state == .processing)
        for event in claimed where event.id == first { try await inbox.fail(event.id, error: "timeout", retryAt: now, at: now, in: scope) }
        let afterwards = try await inbox.erase(userID: "chatwoot_contact_60", at: now, in: scope)
        #expect(afterwards.erased == 1 && afterwards.busy == 0, "\(afterwards)")
        // Gone, or (SQLite, whose row is the de-duplication record) a tombstone with nothing of the patient's.
        for id in [first, second] {
            if let left = try await inbox.event(id, in: scope) {
                #expect(left.outcome == "erased" && left.state == .done && left.event.userID == nil && left.event.content == nil && left.body.isEmpty)
            }
        }
        #expect(try await inbox.outbox(first, in: scope).isEmpty)
        #expect(try await inbox.events(ofUser: "chatwoot_contact_60", limit: 10, in: scope).isEmpty)
        #expect(try await inbox.event(elsewhere, in: other) != nil)
        // The erased events are never processed; the de-duplication keys stay, so a redelivery is still a duplicate.
        claimed = try await inbox.claim(limit: 10, lease: .seconds(60), at: now.addingTimeInterval(120))
        #expect(!claimed.contains { $0.companyID == scope.companyID })
        if case .duplicate = try await inbox.accept(message(2, conversation: 60, text: "gracias"), body: [], at: now, in: scope) {} else {
            Issue.record("a redelivery of an erased event should still be recognised")
        }
    }
}
