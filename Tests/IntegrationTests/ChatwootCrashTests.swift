import Foundation
import Synchronization
import Testing

extension IntegrationSuite {
    /// Crashes while webhook events are in flight: the agent service, the gateway and Chatwoot (the fake) are
    /// each SIGKILLed and started again; every accepted event must still be answered exactly once, in order
    /// per conversation, on either inbox.
    @Suite(.serialized) struct ChatwootCrashTests {
        enum Store: String, CaseIterable, CustomTestStringConvertible {
            case sqlite, redis
            var testDescription: String { rawValue }
        }

        /// 20 conversations (10 per clinic) of 10 messages each, sent in order per conversation as Chatwoot
        /// does, each delivery repeated until it is acknowledged (as Chatwoot's retries would).
        final class Traffic: @unchecked Sendable {
            let conversations: [(account: Int, conversation: Int, contact: Int, messages: [Int])]
            let acknowledged = Atomic<Int>(0)

            init(base: Int) {
                conversations = (0..<20).map { index in
                    let messages = (0..<10).map { base + index * 100 + $0 }
                    return (account: index < 10 ? 7 : 8, conversation: 600 + index, contact: 7_000 + index, messages: messages)
                }
            }

            var total: Int { conversations.reduce(0) { $0 + $1.messages.count } }
        }

        @Test(arguments: Store.allCases) func everyAcceptedEvent_IsAnsweredExactlyOnce_InOrder_ThroughCrashes(store: Store) async throws {
            var agent: [String: String] = ["WEBHOOK_RETRY_BACKOFF": "100ms", "WEBHOOK_MAX_ATTEMPTS": "50"]
            if store == .redis {
                guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
                    Issue.record("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
                    return
                }
                agent.merge(["REDIS_URL": url, "WEBHOOK_INBOX_STORE": "redis", "WEBHOOK_STREAM": "test:crash:\(UUID().uuidString.prefix(8))",
                             "MEMORY_STORE": "sqlite", "APPOINTMENTS_STORE": "sqlite"]) { $1 }
            }
            let system = try await ChatwootWebhookIntegrationTests.start(agentEnvironment: agent)
            defer { system.stop() }
            // A shared Redis may hold earlier runs' events of these clinics: compare counts with these.
            func counts(_ company: String) -> [String: Double] {
                system.admin("GET", "/api/admin/webhook/events?company_id=\(company)")?["counts"] as? [String: Double] ?? [:]
            }
            let earlier = ["benova": counts("benova"), "medispa": counts("medispa")]
            let traffic = Traffic(base: Int.random(in: 1_000..<9_000) * 10_000)
            let questions = ["¿Cuánto cuesta un botox?", "¿qué incluye?", "¿y la limpieza facial?", "¿tienen promociones?", "gracias"]

            // The senders: one thread per conversation, a message every 150 ms, each until acknowledged.
            let senders = Task {
                await withTaskGroup(of: Void.self) { group in
                    for conversation in traffic.conversations {
                        group.addTask {
                            await onThread {
                                for (position, id) in conversation.messages.enumerated() {
                                    let body = ChatwootPayloads.incoming(questions[position % questions.count] + " (\(position))", id: id,
                                                                         conversation: conversation.conversation, account: conversation.account,
                                                                         contact: conversation.contact)
                                    let deadline = Date().addingTimeInterval(60)
                                    while Date() < deadline {
                                        let answer = system.deliver(body, account: String(conversation.account))
                                        if answer?.status == 200 { break }
                                        Thread.sleep(forTimeInterval: 0.05)  // pacing of a retrying sender, not a wait for a condition
                                    }
                                    traffic.acknowledged.add(1, ordering: .relaxed)
                                    Thread.sleep(forTimeInterval: 0.15)
                                }
                            }
                        }
                    }
                }
            }
            func replies() -> [FakeChatwootProcess.Call] { system.chatwoot.calls().filter(\.isReply) }

            // 1. The agent service dies mid-work and comes back.
            #expect(await waitUntil(timeout: .seconds(30)) { replies().count >= 25 })
            system.fixture.killAgentService()
            try await system.fixture.restartAgentService()
            // 2. The gateway dies while deliveries arrive.
            #expect(await waitUntil(timeout: .seconds(30)) { traffic.acknowledged.load(ordering: .relaxed) >= 110 })
            system.fixture.killGateway()
            #expect(try await system.fixture.restartGateway())
            // 3. Chatwoot dies mid-request: it has recorded the call, the bot gets no answer.
            #expect(await waitUntil(timeout: .seconds(30)) { replies().count >= 90 })
            let before = system.chatwoot.calls().count
            system.chatwoot.fault(account: "7", mode: "hang", count: 1)
            #expect(await waitUntil(timeout: .seconds(10)) { system.chatwoot.calls().count > before })
            system.chatwoot.kill()
            try await system.chatwoot.start()

            await senders.value
            #expect(traffic.acknowledged.load(ordering: .relaxed) == traffic.total)
            let answered = await waitUntil(timeout: .seconds(120)) { Set(replies().compactMap(\.inReplyTo)).count >= traffic.total }
            #expect(answered, "answered \(Set(replies().compactMap(\.inReplyTo)).count) of \(traffic.total)")

            for conversation in traffic.conversations {
                let calls = system.chatwoot.calls(account: String(conversation.account), conversation: conversation.conversation).filter(\.isReply)
                // Consecutive parts of one reply share its `in_reply_to`; a reply sent twice would show as a part repeated
                // or as its message answered again later.
                var groups: [(Int, [String])] = []
                for call in calls {
                    guard let id = call.inReplyTo else { continue }
                    if groups.last?.0 == id { groups[groups.count - 1].1.append(call.content) } else { groups.append((id, [call.content])) }
                }
                #expect(groups.map(\.0) == conversation.messages, "conversation \(conversation.conversation): \(groups.map(\.0))")
                let company = conversation.account == 7 ? "benova" : "medispa"
                for missing in conversation.messages where !groups.contains(where: { $0.0 == missing }) {
                    let events = (system.admin("GET", "/api/admin/webhook/events?company_id=\(company)&page_size=200")?["events"] as? [[String: Any]]) ?? []
                    if let event = events.first(where: { $0["message_id"] as? Double == Double(missing) }), let id = event["id"] as? String {
                        Issue.record("not answered: \(missing): \(system.admin("GET", "/api/admin/webhook/events/\(id)?company_id=\(company)") ?? [:])")
                    }
                }
                #expect(groups.allSatisfy { Set($0.1).count == $0.1.count }, "a part was sent twice in conversation \(conversation.conversation)")
            }
            for company in ["benova", "medispa"] {
                let now = counts(company), before = earlier[company] ?? [:]
                #expect(now["done", default: 0] - before["done", default: 0] == 100 && now["dead"] == before["dead"] && now["pending"] == 0,
                        "\(company): \(now), before \(before)")
            }
        }
    }
}
