import Foundation
import RedisClient
import Testing
import TenantStorage
import Wire
@testable import AgentCore

enum MemoryStoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, redis
    var testDescription: String { rawValue }
}

func makeMemoryStore(_ kind: MemoryStoreKind) async throws -> (store: any ConversationStore, close: @Sendable () -> Void) {
    switch kind {
    case .sqlite:
        let directory = NSTemporaryDirectory() + "memory-\(UUID().uuidString.prefix(8))"
        let store = try await SQLiteConversationStore(path: directory + "/memory.sqlite3")
        return (store, { store.close(); try? FileManager.default.removeItem(atPath: directory) })
    case .redis:
        guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
            throw ConversationStoreError("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
        }
        let redis = try RedisClient(url: url, poolSize: 8)
        return (RedisConversationStore(redis: redis), { redis.shutdown() })
    }
}

/// One memory contract, both stores.
struct ConversationStoreContractTests {
    func freshScope() -> TenantScope {
        let id = "m" + UUID().uuidString.prefix(8).lowercased()
        // The ids and prefixes are valid by construction.
        return try! TenantScope(company: Company(id: CompanyID(id)!, companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents"))
    }

    func message(_ text: String, _ role: ConversationRole = .user, at time: Date = Date()) -> ConversationMessage {
        ConversationMessage(role: role, text: text, agent: role == .assistant ? "sales" : nil, intents: role == .user ? ["sales"] : [], timestamp: time)
    }

    @Test(arguments: MemoryStoreKind.allCases) func theWindow_KeepsTheLastMessages_InOrder_PerTenant(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope(), other = freshScope()
        let policy = MemoryPolicy(window: 4, ttlSeconds: 3600)
        let now = Date()
        for turn in 0..<3 {
            _ = try await store.append([message("pregunta \(turn)"), message("respuesta \(turn)", .assistant)], userID: "chatwoot_contact_1",
                                       policy: policy, at: now, in: scope)
        }
        let kept = try await store.history(userID: "chatwoot_contact_1", at: now, in: scope)
        #expect(kept.map(\.text) == ["pregunta 1", "respuesta 1", "pregunta 2", "respuesta 2"])
        #expect(kept[1].agent == "sales" && kept[0].intents == ["sales"])
        // The same user id in another tenant is another conversation.
        #expect(try await store.history(userID: "chatwoot_contact_1", at: now, in: other).isEmpty)
        _ = try await store.append([message("hola")], userID: "chatwoot_contact_1", policy: policy, at: now, in: other)
        #expect(try await store.history(userID: "chatwoot_contact_1", at: now, in: other).map(\.text) == ["hola"])
        #expect(try await store.history(userID: "chatwoot_contact_1", at: now, in: scope).count == 4)
    }

    @Test(arguments: MemoryStoreKind.allCases) func concurrentAppends_TrimAtomically(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope()
        let policy = MemoryPolicy(window: 10, ttlSeconds: 3600)
        let now = Date()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<50 {
                group.addTask { _ = try? await store.append([self.message("m\(index)")], userID: "u", policy: policy, at: now, in: scope) }
            }
        }
        let kept = try await store.history(userID: "u", at: now, in: scope)
        #expect(kept.count == 10 && Set(kept.map(\.text)).count == 10, "\(kept.map(\.text))")
        #expect(kept.allSatisfy { $0.text.hasPrefix("m") })
    }

    @Test(arguments: MemoryStoreKind.allCases) func listing_IsByLastActivity_AndPagesAreStable(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope()
        let policy = MemoryPolicy(window: 10, ttlSeconds: 3600)
        let base = Date()
        for (index, user) in ["ana", "beto", "carla", "dani", "eva"].enumerated() {
            _ = try await store.append([message("hola")], userID: user, policy: policy, at: base.addingTimeInterval(Double(index)), in: scope)
        }
        // Two conversations with the same last activity: ordered by user id, descending.
        _ = try await store.append([message("otra vez")], userID: "ana", policy: policy, at: base.addingTimeInterval(4), in: scope)
        let first = try await store.list(offset: 0, limit: 3, policy: policy, at: base.addingTimeInterval(5), in: scope)
        let second = try await store.list(offset: 3, limit: 3, policy: policy, at: base.addingTimeInterval(5), in: scope)
        #expect(first.total == 5 && second.total == 5)
        #expect(first.conversations.map(\.userID) == ["eva", "ana", "dani"] && second.conversations.map(\.userID) == ["carla", "beto"])
        #expect(first.conversations[1].messageCount == 2)
    }

    @Test(arguments: MemoryStoreKind.allCases) func botStatus_CollectedData_Delete_AndPurge(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope()
        let policy = MemoryPolicy(window: 10, ttlSeconds: 3600)
        let now = Date()
        #expect(try await store.botStatus(userID: "u", at: now, in: scope) == BotStatus())
        try await store.setBotStatus(BotStatus(active: false, reason: "emergency", changedAt: now), userID: "u", policy: policy, at: now, in: scope)
        let paused = try await store.botStatus(userID: "u", at: now, in: scope)
        #expect(paused.active == false && paused.reason == "emergency")
        try await store.setCollectedData(["full_name": "Lucía", "phone": "600111222"], userID: "u", policy: policy, at: now, in: scope)
        #expect(try await store.collectedData(userID: "u", at: now, in: scope) == ["full_name": "Lucía", "phone": "600111222"])
        _ = try await store.append([message("hola")], userID: "u", policy: policy, at: now, in: scope)
        _ = try await store.append([message("hola")], userID: "v", policy: policy, at: now, in: scope)
        #expect(try await store.list(offset: 0, limit: 10, policy: policy, at: now, in: scope).conversations.first { $0.userID == "u" }?.botActive == false)
        #expect(try await store.delete(userID: "u", at: now, in: scope))
        #expect(try await store.delete(userID: "u", at: now, in: scope) == false)
        #expect(try await store.history(userID: "u", at: now, in: scope).isEmpty)
        #expect(try await store.botStatus(userID: "u", at: now, in: scope).active)
        #expect(try await store.collectedData(userID: "u", at: now, in: scope).isEmpty)
        #expect(try await store.purge(scope) == 1)
        #expect(try await store.list(offset: 0, limit: 10, policy: policy, at: now, in: scope).total == 0)
    }

    /// A conversation is gone once its time to live has passed since its last activity.
    @Test(arguments: MemoryStoreKind.allCases) func conversations_Expire(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope()
        // Written first with a long life, so the read right after it holds however loaded the machine is;
        // the second write gives the conversation one second from then, and it must then disappear.
        _ = try await store.append([message("hola")], userID: "u", policy: MemoryPolicy(window: 10, ttlSeconds: 600), at: Date(), in: scope)
        #expect(try await store.history(userID: "u", at: Date(), in: scope).count == 1)
        let policy = MemoryPolicy(window: 10, ttlSeconds: 1)
        _ = try await store.append([message("¿sigues ahí?")], userID: "u", policy: policy, at: Date(), in: scope)
        let deadline = ContinuousClock.now + .seconds(10)
        var gone = false
        while !gone, ContinuousClock.now < deadline {
            let history = try await store.history(userID: "u", at: Date(), in: scope)
            let listed = try await store.list(offset: 0, limit: 10, policy: policy, at: Date(), in: scope)
            gone = history.isEmpty && listed.total == 0
            if !gone { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(gone)
    }

    func turn(_ user: String, at time: Date, agent: String = "sales", escalated: Bool = false) -> ConversationTurn {
        ConversationTurn(id: UUID().uuidString, userID: user, timestamp: time, agent: agent, intents: [agent], provider: "builtin", classificationMilliseconds: 0.1,
                         retrievalMilliseconds: 0.5, totalMilliseconds: 2, answered: true, booked: false,
                         escalation: escalated ? EscalationRecord(id: "e1", userID: user, reason: "emergency", priority: "urgent", message: "ayuda",
                                                                  createdAt: time) : nil)
    }

    /// A turn's messages and its log entry are written together; the conversation reads back with its bot status.
    @Test(arguments: MemoryStoreKind.allCases) func appendTurn_WritesMessagesAndTheLog_AndConversationReadsThemBack(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope()
        let now = Date()
        let policy = MemoryPolicy(window: 3, ttlSeconds: 3600)
        #expect(try await store.conversation(userID: "u", at: now, in: scope).history.isEmpty)
        for index in 0..<2 {
            try await store.appendTurn([message("pregunta \(index)", at: now), message("respuesta \(index)", .assistant, at: now)], turn: turn("u", at: now),
                                       userID: "u", policy: policy, retentionSeconds: 86_400, at: now, in: scope)
        }
        try await store.setBotStatus(BotStatus(active: false, reason: "human", changedAt: now), userID: "u", policy: policy, at: now, in: scope)
        try await store.setCollectedData(["treatment": "botox", "full_name": "Ana Ruiz"], userID: "u", policy: policy, at: now, in: scope)
        let state = try await store.conversation(userID: "u", at: now, in: scope)
        #expect(state.history.map(\.text) == ["respuesta 0", "pregunta 1", "respuesta 1"] && state.bot.active == false && state.bot.reason == "human")
        #expect(state.collected == ["treatment": "botox", "full_name": "Ana Ruiz"])
        #expect(try await store.turns(from: now.addingTimeInterval(-1), to: now.addingTimeInterval(1), limit: 10, in: scope).count == 2)
        #expect(try await store.conversation(userID: "u", at: now, in: freshScope()).history.isEmpty, "another tenant sees nothing")
    }

    /// The turn log: a time range read oldest first, the newest `limit` when there are more, retention, tenants apart, purge.
    @Test(arguments: MemoryStoreKind.allCases) func theTurnLog_ReadsRanges_KeepsItsRetention_AndTenantsApart(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let (scope, other) = (freshScope(), freshScope())
        let start = Date(timeIntervalSince1970: 1_796_540_400)
        for minute in 0..<6 {
            try await store.recordTurn(turn("u\(minute % 2)", at: start.addingTimeInterval(Double(minute) * 60), escalated: minute == 5), retentionSeconds: 86_400,
                                       at: start, in: scope)
        }
        try await store.recordTurn(turn("x", at: start), retentionSeconds: 86_400, at: start, in: other)
        let all = try await store.turns(from: start, to: start.addingTimeInterval(3_600), limit: 100, in: scope)
        #expect(all.count == 6 && all.map(\.timestamp) == all.map(\.timestamp).sorted() && all.last?.escalation?.reason == "emergency")
        let middle = try await store.turns(from: start.addingTimeInterval(60), to: start.addingTimeInterval(180), limit: 100, in: scope)
        #expect(middle.map(\.timestamp) == [start.addingTimeInterval(60), start.addingTimeInterval(120)], "from inclusive, to exclusive")
        let newest = try await store.turns(from: start, to: start.addingTimeInterval(3_600), limit: 2, in: scope)
        #expect(newest.map(\.timestamp) == [start.addingTimeInterval(240), start.addingTimeInterval(300)])
        #expect(try await store.turns(from: start, to: start.addingTimeInterval(3_600), limit: 100, in: other).map(\.userID) == ["x"])
        // A turn recorded two days later drops the ones older than the retention.
        try await store.recordTurn(turn("u9", at: start.addingTimeInterval(2 * 86_400)), retentionSeconds: 86_400, at: start.addingTimeInterval(2 * 86_400), in: scope)
        #expect(try await store.turns(from: start, to: start.addingTimeInterval(3 * 86_400), limit: 100, in: scope).map(\.userID) == ["u9"])
        _ = try await store.purge(scope)
        #expect(try await store.turns(from: start, to: start.addingTimeInterval(3 * 86_400), limit: 100, in: scope).isEmpty)
        #expect(try await store.turns(from: start, to: start.addingTimeInterval(3_600), limit: 100, in: other).count == 1)
    }

    @Test(arguments: MemoryStoreKind.allCases) func aPatientsTurns_AreCountedAndErased_AndRetentionDropsTheInactive(kind: MemoryStoreKind) async throws {
        let (store, close) = try await makeMemoryStore(kind)
        defer { close() }
        let scope = freshScope(), other = freshScope()
        let policy = MemoryPolicy(window: 10, ttlSeconds: 90 * 86_400)
        let now = Date()
        let old = now.addingTimeInterval(-40 * 86_400)
        _ = try await store.append([message("antigua", at: old)], userID: "old_user", policy: policy, at: old, in: scope)
        _ = try await store.append([message("reciente")], userID: "ana", policy: policy, at: now, in: scope)
        _ = try await store.append([message("otra")], userID: "ana", policy: policy, at: now, in: other)
        try await store.setCollectedData(["phone": "600111222"], userID: "old_user", policy: policy, at: old, in: scope)
        for time in [old, now, now] { try await store.recordTurn(turn("ana", at: time), retentionSeconds: 400 * 86_400, at: now, in: scope) }
        try await store.recordTurn(turn("old_user", at: old), retentionSeconds: 400 * 86_400, at: now, in: scope)
        try await store.recordTurn(turn("ana", at: now), retentionSeconds: 400 * 86_400, at: now, in: other)

        #expect(try await store.turns(ofUser: "ana", erase: false, in: scope) == 3)
        #expect(try await store.turns(ofUser: "an", erase: false, in: scope) == 0)
        #expect(try await store.turns(ofUser: "ana", erase: true, in: scope) == 3)
        #expect(try await store.turns(ofUser: "ana", erase: false, in: scope) == 0)
        #expect(try await store.turns(ofUser: "ana", erase: false, in: other) == 1)
        #expect(try await store.turns(from: old.addingTimeInterval(-1), to: now.addingTimeInterval(1), limit: 100, in: scope).map(\.userID) == ["old_user"])

        // A 30-day retention: the conversation last active 40 days ago goes (with its collected data), with the old turn.
        let removed = try await store.removeInactive(before: now.addingTimeInterval(-30 * 86_400), in: scope)
        #expect(removed.conversations == 1 && removed.turns == 1)
        #expect(try await store.history(userID: "old_user", at: now, in: scope).isEmpty)
        #expect(try await store.collectedData(userID: "old_user", at: now, in: scope).isEmpty)
        #expect(try await store.history(userID: "ana", at: now, in: scope).map(\.text) == ["reciente"])
        #expect(try await store.list(offset: 0, limit: 10, policy: policy, at: now, in: scope).conversations.map(\.userID) == ["ana"])
        #expect(try await store.history(userID: "ana", at: now, in: other).map(\.text) == ["otra"])
    }
}

/// The stored message format stays the one Foundation's JSONEncoder wrote, both ways.
struct StoredMessageFormatTests {
    @Test func messages_RoundTrip_AndReadWhatJSONEncoderWrote() throws {
        let message = ConversationMessage(role: .assistant, text: "Hola \"Ana\"\n¿qué tal? 😀 \\ / \u{1}", agent: "sales", intents: ["sales", "availability"],
                                          timestamp: Date(timeIntervalSince1970: 1_796_540_400.25))
        #expect(ConversationMessage.decode(ConversationMessage.encode(message)) == message)
        let legacy = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        #expect(ConversationMessage.decode(legacy) == message)
        let written = try JSONDecoder().decode(ConversationMessage.self, from: Data(ConversationMessage.encode(message).utf8))
        #expect(written == message)
        #expect(ConversationMessage.decode(#"{"role":"user","text":"x"}"#) == nil && ConversationMessage.decode("not json") == nil)
    }

    @Test func turns_RoundTrip_InTheShapeJSONEncoderWrote() throws {
        let at = Date(timeIntervalSince1970: 1_796_540_400.5)
        for escalation in [nil, EscalationRecord(id: "e1", userID: "ana", reason: "emergency", priority: "urgent", message: "me arde \"mucho\"", createdAt: at)] {
            let turn = ConversationTurn(id: "t1", userID: "chatwoot_contact_5", timestamp: at, agent: "sales", intents: ["sales", "availability"],
                                        provider: "builtin", classificationMilliseconds: 0.125, retrievalMilliseconds: 1.5, totalMilliseconds: 3.25,
                                        answered: true, booked: false, escalation: escalation)
            #expect(ConversationTurn.decode(ConversationTurn.encode(turn)) == turn)
            // What JSONEncoder wrote before reads the same, and what is written now is what JSONDecoder reads.
            #expect(ConversationTurn.decode(String(decoding: try JSONEncoder().encode(turn), as: UTF8.self)) == turn)
            let parsed = try JSONSerialization.jsonObject(with: Data(ConversationTurn.encode(turn).utf8)) as? [String: Any]
            #expect(parsed?["userID"] as? String == "chatwoot_contact_5")
        }
    }
}
