import Foundation
import SQLiteClient
import Testing

extension IntegrationSuite {
    /// Chatwoot end to end: signed webhooks into the gateway, the agent service's inbox and processor, and
    /// replies through a separate fake Chatwoot process that records every API call.
    @Suite(.serialized) struct ChatwootWebhookIntegrationTests {
        static let secrets = ["7": "whsec-benova-0123456789", "8": "whsec-medispa-0123456789"]
        static let tokens = ["7": "tok-benova-abcdef", "8": "tok-medispa-abcdef"]

        /// A system whose benova (account 7) and medispa (account 8) talk to the fake Chatwoot with their own
        /// tokens and require signed webhooks.
        struct System {
            let fixture: GatewayFixture
            let chatwoot: FakeChatwootProcess

            func stop() {
                fixture.stop()
                chatwoot.stop()
            }

            /// Posts a webhook, signed with the account's secret unless `headers` are given.
            func deliver(_ body: String, account: String, path: String = "/api/webhook/chatwoot", headers: [String: String]? = nil) -> RawHTTPResponse? {
                let signed = headers ?? ChatwootPayloads.signed(body, secret: secrets[account] ?? "")
                return fixture.request("POST", path, headers: signed, body: body)
            }

            func admin(_ method: String, _ target: String) -> [String: Any]? {
                fixture.request(method, target, headers: ["X-API-Key": fixture.adminKey])?.json
            }

            /// The company's webhook event with this id, from the admin API.
            func event(_ id: String, company: String) -> [String: Any]? {
                admin("GET", "/api/admin/webhook/events/\(id)?company_id=\(company)")?["event"] as? [String: Any]
            }

            /// Waits until the event is finished (done or dead); its final state and outcome.
            func finished(_ id: String, company: String, timeout: Duration = .seconds(20)) async -> [String: Any]? {
                var last: [String: Any]?
                _ = await waitUntil(timeout: timeout) {
                    last = event(id, company: company)
                    return ["done", "dead"].contains(last?["state"] as? String ?? "")
                }
                return last
            }
        }

        static func start(environment: [String: String] = [:], agentEnvironment: [String: String] = [:],
                          companyExtras: [String: String] = [:]) async throws -> System {
            let fixture = GatewayFixture()
            fixture.agentEnvironment = agentEnvironment
            let chatwoot = FakeChatwootProcess(directory: fixture.directory, tokens: tokens,
                                               webhookURL: "http://127.0.0.1:\(fixture.httpPort)/api/webhook/chatwoot", webhookSecrets: secrets)
            for (company, account) in [("benova", "7"), ("medispa", "8")] {
                fixture.companyExtras[company] = #""chatwoot": {"base_url": "\#(chatwoot.baseURL)", "api_access_token": "\#(tokens[account] ?? "")", "#
                    + #""webhook_secret": "\#(secrets[account] ?? "")", "require_signature": true}, "# + (companyExtras[company] ?? "")
            }
            try FileManager.default.createDirectory(atPath: fixture.directory, withIntermediateDirectories: true)
            try await chatwoot.start()
            try await fixture.start(environment: ["CHATWOOT_TIMEOUT": "2s", "WEBHOOK_RETRY_BACKOFF": "200ms"].merging(environment) { $1 },
                                    startAllServices: true)
            return System(fixture: fixture, chatwoot: chatwoot)
        }

        static func outcome(_ event: [String: Any]?) -> String { event?["outcome"] as? String ?? "" }

        func document(_ system: System, _ company: String, _ title: String, _ content: String) {
            let body = ChatwootPayloads.json(["title": title, "content": content])
            let answer = system.fixture.request("POST", "/api/documents", headers: ["X-API-Key": system.fixture.adminKey, "X-Company-ID": company,
                                                                                     "Content-Type": "application/json"], body: body)
            #expect(answer?.status == 201, "\(answer?.text ?? "")")
        }

        @Test func eachClinicAnswersOnceInItsOwnVoice_ThroughItsOwnToken() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            document(system, "benova", "Precios", "# Precios\nEl tratamiento con botox cuesta 220 € por zona en Benova.")
            document(system, "medispa", "Tarifas", "# Tarifas\nEn MediSpa el botox cuesta 180 € por zona.")

            let question = ChatwootPayloads.incoming("¿Cuánto cuesta un botox?", id: 9001, conversation: 41, account: 7, contact: 501)
            let accepted = try #require(system.deliver(question, account: "7"))
            #expect(accepted.status == 200 && accepted.json?["status"] as? String == "accepted" && accepted.json?["company_id"] as? String == "benova",
                    "\(accepted.text)")
            let medispa = system.deliver(ChatwootPayloads.incoming("¿Cuánto cuesta un botox?", id: 9001, conversation: 41, account: 8, contact: 501),
                                         account: "8")
            #expect(medispa?.json?["status"] as? String == "accepted" && medispa?.json?["company_id"] as? String == "medispa", "\(medispa?.text ?? "")")
            // The same delivery again (Chatwoot retries): acknowledged, not stored twice.
            let again = system.deliver(question, account: "7")
            #expect(again?.status == 200 && again?.json?["status"] as? String == "ignored" && again?.json?["event_id"] as? String == accepted.json?["event_id"] as? String,
                    "\(again?.text ?? "")")

            #expect(await waitUntil(timeout: .seconds(20)) {
                system.chatwoot.calls(account: "7", conversation: 41).contains(where: \.isReply)
                    && system.chatwoot.calls(account: "8", conversation: 41).contains(where: \.isReply)
            })
            let benovaReplies = system.chatwoot.calls(account: "7", conversation: 41).filter(\.isReply)
            let medispaReplies = system.chatwoot.calls(account: "8", conversation: 41).filter(\.isReply)
            let benova = try #require(benovaReplies.first), other = try #require(medispaReplies.first)
            #expect(benova.token == Self.tokens["7"] && benova.content.contains("220 €") && benova.content.contains("Asesora benova")
                        && !benova.content.contains("180"), "\(benova.content)")
            #expect(other.token == Self.tokens["8"] && other.content.contains("180 €") && other.content.contains("Asesora medispa"), "\(other.content)")
            #expect(benova.inReplyTo == 9001)

            // The bot's own replies come back as webhooks (the fake echoes them like Chatwoot); a follow-up in the
            // conversation is answered after them, and by then the duplicate and the echo have had every chance.
            let followUp = try #require(system.deliver(ChatwootPayloads.incoming("¿y qué incluye?", id: 9002, conversation: 41, account: 7, contact: 501),
                                                       account: "7"))
            let done = await system.finished(followUp.json?["event_id"] as? String ?? "", company: "benova")
            #expect(done?["state"] as? String == "done", "\(done ?? [:])")
            let replies = system.chatwoot.calls(account: "7", conversation: 41).filter(\.isReply)
            #expect(replies.map(\.inReplyTo) == [9001, 9002], "each message answered exactly once, in order: \(replies.map(\.content))")

            // Outgoing bot messages, private notes and outgoing non-human messages are acknowledged and ignored.
            for (body, reason) in [
                (ChatwootPayloads.outgoing("respuesta", id: 9100, conversation: 41, account: 7, contact: 501, senderType: "agent_bot"), "the bot's own message"),
                (ChatwootPayloads.outgoing("nota", id: 9101, conversation: 41, account: 7, contact: 501, isPrivate: true), "private note"),
                (ChatwootPayloads.incoming("nota", id: 9102, conversation: 41, account: 7, contact: 501).replacingOccurrences(of: #""private":false"#, with: #""private":true"#),
                 "private note"),
            ] {
                let answer = system.deliver(body, account: "7")
                #expect(answer?.status == 200 && answer?.json?["status"] as? String == "ignored" && answer?.json?["reason"] as? String == reason,
                        "\(answer?.text ?? "")")
            }

            // The admin view: this clinic's events only, payloads masked, counts per state.
            let page = try #require(system.admin("GET", "/api/admin/webhook/events?company_id=benova&state=done"))
            #expect(page["total"] as? Double == 2 && (page["counts"] as? [String: Double])?["done"] == 2, "\(page)")
            let eventID = try #require(accepted.json?["event_id"] as? String)
            let detail = try #require(system.admin("GET", "/api/admin/webhook/events/\(eventID)?company_id=benova"))
            let payload = ChatwootPayloads.json(detail["payload"] ?? [:])
            #expect(payload.contains("9001") && !payload.contains("Cuánto") && !payload.contains("+57300") && !payload.contains("pubsub-secret"), "\(payload)")
            #expect((detail["outbox"] as? [String: String])?["reply:0"] == "sent", "\(detail)")
            #expect(system.fixture.request("GET", "/api/admin/webhook/events/\(eventID)?company_id=medispa", headers: ["X-API-Key": system.fixture.adminKey])?
                .status == 404, "another clinic cannot see benova's event")
            // The gateway's /metrics carries the inbox's counts and the processor's counters.
            let metrics = system.fixture.request("GET", "/metrics", headers: ["X-API-Key": system.fixture.adminKey])?.text ?? ""
            #expect(metrics.contains(#"webhook_inbox_events{company="benova",state="done",store="sqlite"} 2"#), "\(metrics.suffix(1500))")
            #expect(metrics.contains(#"webhook_inbox_events{company="medispa",state="done",store="sqlite"} 1"#))
            #expect(metrics.contains(#"webhook_attempts_total{outcome="replied"} 3"#) && metrics.contains(#"chatwoot_api_calls_total{result="ok"}"#))
            let health = try #require(system.admin("GET", "/api/health/company/benova"))
            let chatwootHealth = health["chatwoot"] as? [String: Any]
            #expect(chatwootHealth?["webhook_signature"] as? String == "required" && (chatwootHealth?["webhook_events"] as? [String: Double])?["done"] == 2,
                    "\(health)")
            #expect(health["chatwoot_configured"] as? Bool == true)
        }

        @Test func signaturesAreChecked_AndRefusedDeliveriesStoreNothing() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            let body = ChatwootPayloads.incoming("hola", id: 9200, conversation: 42, account: 7, contact: 502)
            var wrong = ChatwootPayloads.signed(body, secret: "whsec-medispa-0123456789")
            var stale = ChatwootPayloads.signed(body, secret: Self.secrets["7"] ?? "", timestamp: Int(Date().timeIntervalSince1970) - 3_600)
            var unsigned = ChatwootPayloads.signed(body, secret: "x")
            unsigned["X-Chatwoot-Signature"] = nil
            unsigned["X-Chatwoot-Timestamp"] = nil
            var bodyOnly = ChatwootPayloads.signed(body, secret: Self.secrets["7"] ?? "")
            bodyOnly["X-Chatwoot-Signature"] = "sha256=" + String(repeating: "ab", count: 32)
            for headers in [wrong, stale, unsigned, bodyOnly] {
                let answer = system.deliver(body, account: "7", headers: headers)
                #expect(answer?.status == 401 && answer?.errorCode == "invalid_signature", "\(answer?.text ?? "")")
                #expect(answer?.json?["message"] != nil, "the legacy message is there too")
            }
            // A body changed after signing.
            wrong = ChatwootPayloads.signed(body, secret: Self.secrets["7"] ?? "")
            #expect(system.deliver(body.replacingOccurrences(of: "hola", with: "adiós"), account: "7", headers: wrong)?.status == 401)
            stale = [:]
            _ = stale
            let page = system.admin("GET", "/api/admin/webhook/events?company_id=benova")
            #expect(page?["total"] as? Double == 0, "nothing was stored: \(page ?? [:])")

            // Routing errors: unknown account, a URL company that disagrees, no account at all, bad JSON, too big.
            let unknown = ChatwootPayloads.incoming("hola", id: 9201, conversation: 42, account: 99, contact: 502)
            #expect(system.deliver(unknown, account: "7")?.status == 404)
            #expect(system.deliver(body, account: "7", path: "/api/webhook/chatwoot/medispa")?.errorCode == "company_mismatch")
            #expect(system.deliver(body, account: "7", path: "/api/webhook/chatwoot/benova")?.json?["status"] as? String == "accepted")
            #expect(system.deliver(#"{"event":"message_created","content":"x"}"#, account: "7")?.errorCode == "missing_account")
            #expect(system.deliver(#"{"event":"message_created","#, account: "7")?.status == 400)
            let huge = #"{"event":"message_created","content":""# + String(repeating: "a", count: 300_000) + #""}"#
            #expect(system.deliver(huge, account: "7")?.status == 413)
            #expect(system.admin("GET", "/api/admin/webhook/events?company_id=benova")?["total"] as? Double == 1)
        }

        @Test func aHumanReplyPausesTheBot_AndAStatusBackToOpenResumesIt() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            func deliver(_ body: String) async throws -> [String: Any]? {
                let answer = try #require(system.deliver(body, account: "7"))
                #expect(answer.json?["status"] as? String == "accepted", "\(answer.text)")
                return await system.finished(answer.json?["event_id"] as? String ?? "", company: "benova")
            }
            let first = try await deliver(ChatwootPayloads.incoming("hola", id: 9299, conversation: 43, account: 7, contact: 503))
            #expect(Self.outcome(first) == "replied", "\(first ?? [:])")
            let human = try await deliver(ChatwootPayloads.outgoing("Hola, soy Laura, te atiendo yo", id: 9300, conversation: 43, account: 7, contact: 503))
            #expect(Self.outcome(human).hasPrefix("paused"), "\(human ?? [:])")
            let ignored = try await deliver(ChatwootPayloads.incoming("¿Cuánto cuesta un botox?", id: 9301, conversation: 43, account: 7, contact: 503))
            #expect(Self.outcome(ignored).hasPrefix("skipped"), "\(ignored ?? [:])")
            let resolved = try await deliver(ChatwootPayloads.statusChanged("resolved", conversation: 43, account: 7, contact: 503))
            #expect(resolved?["state"] as? String == "done")
            let history = system.fixture.request("GET", "/api/conversations/chatwoot_contact_503/history",
                                                 headers: ["X-API-Key": system.fixture.adminKey, "X-Company-ID": "benova"])?.json
            #expect(history?["bot_active"] as? Bool == false, "the memory's bot switch follows the handoff: \(history ?? [:])")
            let reopened = try await deliver(ChatwootPayloads.statusChanged("open", conversation: 43, account: 7, contact: 503))
            #expect(Self.outcome(reopened).hasPrefix("resumed"), "\(reopened ?? [:])")
            let answered = try await deliver(ChatwootPayloads.incoming("¿Cuánto cuesta un botox?", id: 9302, conversation: 43, account: 7, contact: 503))
            #expect(answered?["outcome"] as? String == "replied", "\(answered ?? [:])")
            #expect(system.chatwoot.calls(account: "7", conversation: 43).filter(\.isReply).map(\.inReplyTo) == [9299, 9302])
            let resumed = system.fixture.request("GET", "/api/conversations/chatwoot_contact_503/history",
                                                 headers: ["X-API-Key": system.fixture.adminKey, "X-Company-ID": "benova"])?.json
            #expect(resumed?["bot_active"] as? Bool == true, "\(resumed ?? [:])")

            // A purge erases the clinic's inbox: events, outbox and handoff states.
            let purged = await system.fixture.purge("benova")
            #expect(purged?.status == 200, "\(purged?.text ?? "")")
            let database = try await SQLiteDatabase(path: system.fixture.directory + "/data/agent/inbox.sqlite3", readers: 1)
            defer { database.close() }
            let left = try await database.read { (connection) throws(SQLiteError) -> Int in
                var total = 0
                for table in ["webhook_events", "webhook_outbox", "chatwoot_conversations"] {
                    total += try connection.query("SELECT COUNT(*) FROM \(table) WHERE company_id = 'benova'").first?.int(0) ?? -1
                }
                return total
            }
            #expect(left == 0)
        }

        @Test func anEmergencyEscalatesWithTheFourCalls() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            document(system, "benova", "Protocolo de urgencias",
                     "# Urgencias tras rellenos\nSi la piel se pone blanca o morada tras un relleno, aplica calor local y acude de inmediato: es una urgencia.")
            let message = ChatwootPayloads.incoming("me puse relleno ayer y el labio se me está poniendo morado", id: 9400, conversation: 44, account: 7,
                                                    contact: 504)
            let answer = try #require(system.deliver(message, account: "7"))
            let done = await system.finished(answer.json?["event_id"] as? String ?? "", company: "benova")
            #expect(Self.outcome(done).contains("escalated (emergency)"), "\(done ?? [:])")
            let calls = system.chatwoot.calls(account: "7", conversation: 44)
            #expect(calls.first?.isReply == true && calls.first?.content.contains("urgencia") == true, "\(calls.map(\.body))")
            let escalation = calls.filter { !$0.isReply }
            #expect(escalation.map(\.action) == ["toggle_status", "toggle_priority", "labels", "messages"], "\(escalation.map(\.action))")
            #expect(escalation.first?.body["status"] as? String == "pending", "account webhooks hand off out of the bot's 'open'")
            #expect(escalation.dropFirst().first?.body["priority"] as? String == "urgent")
            #expect((escalation.dropFirst(2).first?.body["labels"] as? [String]) == ["emergencia"])
            let note = escalation.last
            #expect(note?.isPrivate == true && note?.content.contains("morado") == true, "\(note?.body ?? [:])")
            #expect(calls.allSatisfy { $0.token == Self.tokens["7"] })

            // The bot is paused: the next message waits for a person (Chatwoot now reports the human status).
            let next = try #require(system.deliver(ChatwootPayloads.incoming("¿hola?", id: 9401, conversation: 44, account: 7, contact: 504, status: "pending"),
                                                   account: "7"))
            let skipped = await system.finished(next.json?["event_id"] as? String ?? "", company: "benova")
            #expect(Self.outcome(skipped).hasPrefix("skipped"), "\(skipped ?? [:])")
            // A patient asking for a person is handed over too, labelled `humano`.
            let person = try #require(system.deliver(ChatwootPayloads.incoming("quiero hablar con una persona", id: 9402, conversation: 45, account: 7,
                                                                                contact: 505), account: "7"))
            let handed = await system.finished(person.json?["event_id"] as? String ?? "", company: "benova")
            #expect(Self.outcome(handed).contains("escalated (human_request)"), "\(handed ?? [:])")
            #expect(system.chatwoot.calls(account: "7", conversation: 45).contains { ($0.body["labels"] as? [String]) == ["humano"] })
        }

        @Test func chatwootFailuresAreRetried_WithoutEverSendingAReplyTwice() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            // Throttled twice: the client's own retries get it through.
            system.chatwoot.fault(account: "7", mode: "429", count: 2)
            let first = try #require(system.deliver(ChatwootPayloads.incoming("hola", id: 9500, conversation: 46, account: 7, contact: 506), account: "7"))
            let throttled = await system.finished(first.json?["event_id"] as? String ?? "", company: "benova")
            #expect(throttled?["outcome"] as? String == "replied", "\(throttled ?? [:])")
            // Failing for longer than the client's attempts: the inbox retries the event later.
            system.chatwoot.fault(account: "7", mode: "500", count: 5)
            let second = try #require(system.deliver(ChatwootPayloads.incoming("¿tienen parqueadero?", id: 9501, conversation: 46, account: 7, contact: 506),
                                                     account: "7"))
            let retried = await system.finished(second.json?["event_id"] as? String ?? "", company: "benova", timeout: .seconds(30))
            #expect(retried?["outcome"] as? String == "replied" && (retried?["attempts"] as? Double ?? 0) >= 2, "\(retried ?? [:])")
            // A call that times out may have reached Chatwoot: never sent again (the outbox keeps it as sent-or-not).
            system.chatwoot.fault(account: "7", mode: "hang", count: 1)
            let third = try #require(system.deliver(ChatwootPayloads.incoming("gracias", id: 9502, conversation: 46, account: 7, contact: 506), account: "7"))
            _ = await system.finished(third.json?["event_id"] as? String ?? "", company: "benova", timeout: .seconds(30))
            let replies = system.chatwoot.calls(account: "7", conversation: 46).filter(\.isReply)
            #expect(replies.map(\.inReplyTo) == [9500, 9501, 9502], "\(replies.map(\.inReplyTo))")
        }

        /// The shipped example configuration (accounts 7 and 8 with no secret, unverified) takes the seed's own
        /// minimal webhook unchanged.
        @Test func theSeedsMinimalPayloadIsAcknowledgedForBenova() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            let answer = fixture.request("POST", "/api/webhook/chatwoot", headers: ["Content-Type": "application/json"],
                                         body: #"{"event":"message_created","conversation":{"account_id":"7"},"content":"Test message"}"#)
            #expect(answer?.status == 200 && answer?.json?["status"] as? String == "ignored" && answer?.json?["company_id"] as? String == "benova"
                        && answer?.json?["reason"] as? String == "the message names no sender", "\(answer?.text ?? "")")
            let health = fixture.request("GET", "/api/health/company/benova", headers: ["X-API-Key": fixture.adminKey])?.json
            #expect((health?["chatwoot"] as? [String: Any])?["webhook_signature"] as? String == "unverified", "\(health ?? [:])")
        }
    
        /// A patient's export and erasure reach every store of theirs: the conversation the webhook wrote, the
        /// appointment their chat booked and the webhook deliveries; another patient keeps everything.
        @Test func aPatientsExportAndErasure_ReachMemoryAppointmentsAndTheInbox() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            let fixture = system.fixture
            let user = "chatwoot_contact_777"
            // The patient books through the chat: answer what the schedule agent asks until it books.
            var reply = "", message = "Quiero reservar una cita de botox el próximo jueves a las 11"
            for _ in 0..<10 {
                let answer = fixture.request(as: "benova", "POST", "/api/conversations/\(user)/test", body: ["message": message])?.json
                reply = answer?["bot_response"] as? String ?? ""
                if reply.contains("¡Reservado!") || answer == nil { break }
                let lower = reply.lowercased()
                message = lower.contains("te confirmo") ? "sí" : lower.contains("nombre") ? "Me llamo Ana Ruiz Gómez"
                    : lower.contains("documento") || lower.contains("cédula") || lower.contains("dni") ? "mi dni es 12345678"
                    : lower.contains("teléfono") ? "mi teléfono es +34 600 111 222" : lower.contains("correo") || lower.contains("email") ? "ana.ruiz@example.com"
                    : "el próximo jueves a las 11"
            }
            #expect(reply.contains("¡Reservado!"), "\(reply)")
            // Then writes from Chatwoot, as the same contact.
            let delivered = try #require(system.deliver(ChatwootPayloads.incoming("gracias, mi correo es ana.ruiz@example.com", id: 9501, conversation: 77,
                                                                                  account: 7, contact: 777), account: "7"))
            let eventID = try #require(delivered.json?["event_id"] as? String)
            let first = await system.finished(eventID, company: "benova")
            #expect(first?["state"] as? String == "done" && !Self.outcome(first).isEmpty, "\(first ?? [:])")
            let neighbour = try #require(system.deliver(ChatwootPayloads.incoming("hola", id: 9502, conversation: 78, account: 7, contact: 778), account: "7"))
            _ = await system.finished(neighbour.json?["event_id"] as? String ?? "", company: "benova")

            let export = try #require(fixture.request(as: "benova", "GET", "/api/conversations/\(user)/export"))
            #expect(export.status == 200 && export.header("Content-Disposition")?.contains("attachment") == true, "\(export.text)")
            let exported = export.json ?? [:]
            let appointments = exported["appointments"] as? [[String: Any]] ?? []
            #expect(appointments.count == 1, "\(exported)")
            let appointmentID = try #require(appointments.first?["id"] as? String)
            let events = exported["webhook_events"] as? [[String: Any]] ?? []
            #expect(events.contains { ($0["content"] as? String ?? "").contains("ana.ruiz@example.com") }, "\(events)")
            #expect((exported["messages"] as? [[String: Any]])?.isEmpty == false && (exported["statistics_records"] as? Double ?? 0) > 0)
            // What the booking left in the conversation (the booked appointment's id).
            #expect((exported["collected_data"] as? [String: Any])?["appointment_id"] as? String == appointmentID,
                    "\(exported["collected_data"] ?? "")")

            let erased = try #require(fixture.request(as: "benova", "DELETE", "/api/conversations/\(user)"))
            let counts = erased.json?["erased"] as? [String: Any] ?? [:]
            #expect(erased.status == 200 && counts["conversation"] as? Bool == true && counts["appointments"] as? Double == 1
                        && (counts["webhook_events"] as? Double ?? 0) >= 1, "\(erased.text)")
            #expect(fixture.request(as: "benova", "GET", "/api/conversations/\(user)/export")?.status == 404)
            #expect(fixture.request(as: "benova", "DELETE", "/api/conversations/\(user)")?.status == 404)
            #expect(fixture.request(as: "benova", "GET", "/api/appointments/\(appointmentID)")?.status == 404)
            let left = system.event(eventID, company: "benova")
            #expect(left == nil || (left?["outcome"] as? String == "erased" && (left?["payload"] as? String ?? "").isEmpty), "\(left ?? [:])")
            // The neighbour's conversation is untouched.
            #expect(fixture.request(as: "benova", "GET", "/api/conversations/chatwoot_contact_778/history")?.status == 200)
        }
}
}
