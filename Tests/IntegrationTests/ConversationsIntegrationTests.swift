import Foundation
import SQLiteClient
import Testing

extension IntegrationSuite {
    /// The conversation test endpoint end to end: gateway → agent service (router, agents, memory) → RAG service.
    @Suite(.serialized) struct ConversationsIntegrationTests {
        func json(_ object: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        }

        func call(_ fixture: GatewayFixture, _ method: String, _ target: String, company: String, body: Any? = nil) -> RawHTTPResponse? {
            var headers = ["X-API-Key": fixture.adminKey, "X-Company-ID": company]
            if body != nil { headers["Content-Type"] = "application/json" }
            return fixture.request(method, target, headers: headers, body: body.map(json))
        }

        func chat(_ fixture: GatewayFixture, _ company: String, _ user: String, _ message: String) -> [String: Any]? {
            call(fixture, "POST", "/api/conversations/\(user)/test?company_id=\(company)", company: company, body: ["message": message])?.json
        }

        @Test func answers_AreGroundedInTheClinicsOwnDocuments_AndEmergenciesEscalate() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            let documents: [(String, String, String)] = [
                ("benova", "Precios de toxina botulínica", "# Precios\nEl tratamiento con toxina botulínica (botox) cuesta 220 € por zona en Benova. Incluye revisión a los 15 días."),
                ("benova", "Protocolo de urgencias", "# Urgencias tras rellenos\nSi la piel se pone blanca o morada tras un relleno, aplica calor local y acude de inmediato: es una urgencia."),
                ("medispa", "Tarifas de neuromoduladores", "# Tarifas\nEn MediSpa el botox cuesta 180 € por zona y la segunda zona tiene un 20 % de descuento."),
            ]
            for (company, title, content) in documents {
                #expect(call(fixture, "POST", "/api/documents", company: company, body: ["title": title, "content": content])?.status == 201)
            }

            let benova = try #require(chat(fixture, "benova", "user123", "¿Cuánto cuesta un botox?"))
            let reply = benova["bot_response"] as? String ?? ""
            #expect(benova["agent_used"] as? String == "sales", "\(benova)")
            #expect(reply.contains("220 €") && reply.contains("Asesora benova") && !reply.contains("180"), "\(reply)")
            #expect((benova["context"] as? [String: Any])?["company_id"] as? String == "benova")
            let sources = ((benova["context"] as? [String: Any])?["rag_sources"] as? [[String: Any]]) ?? []
            #expect(sources.first?["title"] as? String == "Precios de toxina botulínica")
            // The same question at another clinic: its persona, its prices, never benova's.
            let medispa = try #require(chat(fixture, "medispa", "user123", "¿Cuánto cuesta un botox?"))
            let other = medispa["bot_response"] as? String ?? ""
            #expect(other.contains("180 €") && other.contains("Asesora medispa") && !other.contains("220"), "\(other)")
            // A follow-up keeps the topic; the greeting is only for the first turn.
            let followUp = try #require(chat(fixture, "benova", "user123", "¿y qué incluye?"))
            #expect(followUp["agent_used"] as? String == "sales" && !(followUp["bot_response"] as? String ?? "").contains("Soy"), "\(followUp)")

            // A message the lexicons cannot read (typos) is compared with exemplar messages through the RAG
            // service's embedder for the company.
            let typos = try #require(chat(fixture, "benova", "typos", "cuanto bale la limpiesa"))
            #expect(typos["agent_used"] as? String == "sales" && (typos["context"] as? [String: Any])?["classifier"] as? String == "builtin+exemplars",
                    "\(typos)")

            // An emergency without obvious keywords: protocol from the documents, escalation, the bot pauses.
            let emergency = try #require(chat(fixture, "benova", "maria", "me puse relleno ayer y el labio se me está poniendo blanco"))
            let context = emergency["context"] as? [String: Any]
            #expect(emergency["agent_used"] as? String == "emergency" && context?["escalated"] as? Bool == true, "\(emergency)")
            #expect((emergency["bot_response"] as? String ?? "").contains("urgencia"))
            let after = try #require(chat(fixture, "benova", "maria", "¿cuánto cuesta el botox?"))
            #expect((after["bot_response"] as? String ?? "").contains("persona"), "\(after)")
            #expect(((after["context"] as? [String: Any])?["timings_ms"] as? [String: Any])?["total"] != nil)

            // History, listing, export and delete.
            let history = call(fixture, "GET", "/api/conversations/user123/history", company: "benova")?.json
            #expect((history?["messages"] as? [[String: Any]])?.count == 4 && history?["bot_active"] as? Bool == true)
            #expect(call(fixture, "GET", "/api/conversations/maria/history", company: "benova")?.json?["bot_active"] as? Bool == false)
            let listed = call(fixture, "GET", "/api/conversations?page=1&page_size=10", company: "benova")?.json
            #expect((listed?["conversations"] as? [[String: Any]])?.compactMap { $0["user_id"] as? String }.sorted() == ["maria", "typos", "user123"])
            #expect(call(fixture, "GET", "/api/conversations/user123/export", company: "benova")?.header("Content-Disposition")?.contains("attachment") == true)
            #expect(call(fixture, "GET", "/api/conversations/user123/history", company: "dental")?.status == 404)
            #expect(call(fixture, "DELETE", "/api/conversations/user123", company: "benova")?.status == 200)
            #expect(call(fixture, "DELETE", "/api/conversations/user123", company: "benova")?.status == 404)
            #expect(call(fixture, "GET", "/api/conversations/user123/history", company: "medispa")?.status == 200, "medispa keeps its own")

            // Bad input is refused clearly.
            #expect(call(fixture, "POST", "/api/conversations/u%20x/test", company: "benova", body: ["message": "hola"])?.status == 422)
            #expect(call(fixture, "POST", "/api/conversations/u1/test", company: "benova", body: ["message": "   "])?.status == 422)

            // A purge erases the clinic's conversations in the agent service's memory.
            let purged = await fixture.purge("benova")
            #expect(purged?.status == 200, "\(purged?.text ?? "")")
            let database = try await SQLiteDatabase(path: fixture.directory + "/data/agent/memory.sqlite3", readers: 1)
            defer { database.close() }
            let left = try await database.read { (connection) throws(SQLiteError) -> Int in
                try connection.query("SELECT COUNT(*) FROM messages WHERE company_id = 'benova'").first?.int(0) ?? -1
            }
            #expect(left == 0)
            #expect(call(fixture, "GET", "/api/conversations/user123/history", company: "medispa")?.status == 200, "medispa's memory is untouched")
        }
    
        /// Statistics and health per company: counts from the agent service's turn log, outcomes, timings, tenants apart.
        @Test func statistics_CountEachClinicsOwnConversations_AndHealthReportsTheAgentService() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            #expect(call(fixture, "POST", "/api/documents", company: "benova",
                         body: ["title": "Precios", "content": "# Precios\nEl botox cuesta 220 € por zona en Benova."])?.status == 201)
            _ = chat(fixture, "benova", "ana", "¿Cuánto cuesta un botox?")
            let unanswerable = chat(fixture, "benova", "ana", "¿tienen parqueadero para bicicletas?")
            _ = chat(fixture, "benova", "luis", "me puse relleno ayer y el labio se me está poniendo morado")
            let escalation = try #require(chat(fixture, "benova", "eva", "tengo la cara muy hinchada y me cuesta respirar después del botox"))
            #expect((escalation["context"] as? [String: Any])?["escalated"] as? Bool == true)
            _ = chat(fixture, "dental", "zoe", "¿Cuánto cuesta una limpieza?")

            let stats = try #require(fixture.request("GET", "/api/companies/benova/stats", headers: ["X-API-Key": fixture.adminKey])?.json)
            let statistics = stats["statistics"] as? [String: Any] ?? [:], outcomes = stats["outcomes"] as? [String: Any] ?? [:]
            #expect(stats["company_id"] as? String == "benova", "\(stats)")
            #expect(statistics["conversations"] as? Double == 3 && statistics["messages"] as? Double == 4 && statistics["messages_today"] as? Double == 4,
                    "\(statistics)")
            #expect(statistics["escalations"] as? Double == 2 && statistics["active_bots"] as? Double == 1 && statistics["documents"] as? Double == 1)
            #expect((statistics["agent_usage"] as? [String: Double])?["emergency"] == 2)
            #expect(outcomes["escalation_rate"] as? Double == 0.667 && outcomes["containment_rate"] as? Double == 0.333, "\(outcomes)")
            #expect(outcomes["unanswered"] as? Double == 1, "the bicycle question has no answer in the documents: \(unanswerable ?? [:])")
            let performance = stats["performance"] as? [String: Any] ?? [:]
            #expect((performance["avg_response_time_ms"] as? Double ?? 0) > 0 && (performance["p95_response_time_ms"] as? Double ?? 0) > 0)

            // Another clinic's figures are its own; its key cannot read benova's; a bad period is refused.
            let dental = fixture.request("GET", "/api/companies/dental/stats", headers: ["X-API-Key": fixture.dentalKey])?.json
            #expect((dental?["statistics"] as? [String: Any])?["conversations"] as? Double == 1, "\(dental ?? [:])")
            #expect(fixture.request("GET", "/api/companies/benova/stats", headers: ["X-API-Key": fixture.dentalKey])?.status == 403)
            #expect(fixture.request("GET", "/api/companies/benova/stats?from=2026-12-10&to=2026-12-01", headers: ["X-API-Key": fixture.adminKey])?.status == 400)
            #expect(fixture.request("GET", "/api/companies/benova/stats?from=yesterday", headers: ["X-API-Key": fixture.adminKey])?.status == 400)
            let past = fixture.request("GET", "/api/companies/benova/stats?from=2020-01-01&to=2020-01-31", headers: ["X-API-Key": fixture.adminKey])?.json
            #expect((past?["statistics"] as? [String: Any])?["messages"] as? Double == 0)

            let health = try #require(fixture.request("GET", "/api/health/company/benova", headers: ["X-API-Key": fixture.adminKey])?.json)
            #expect(health["memory_healthy"] as? Bool == true && health["memory_store"] as? String == "sqlite", "\(health)")
            #expect(health["agents_available"] as? Double == 5 && health["language_model"] as? String == "builtin")
            // Every AI capability as configured and as the services use it; no Chatwoot for this clinic.
            let providers = health["providers"] as? [String: [String: Any]] ?? [:]
            #expect(providers["llm"]?["provider"] as? String == "builtin" && providers["llm"]?["in_use"] as? String == "builtin", "\(providers)")
            let embedder = providers["embeddings"]?["in_use"] as? String
            #expect(embedder?.hasPrefix("builtin") == true, "\(providers)")
            #expect(providers["vision"]?["available"] as? Bool == true && providers["transcription"]?["available"] as? Bool == false, "\(providers)")
            #expect(health["chatwoot_configured"] as? Bool == false)
        }
}
}
