import Foundation
import Testing

extension IntegrationSuite {
    /// The admin API for companies and keys, through the real gateway and config service.
    @Suite(.serialized) struct GatewayAdminTests {
        @Test func companyLifecycle_Validation_Concurrency_Secrets_Keys_AndAudit() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_CACHE_TTL": "200ms"])
            let admin = ["X-API-Key": fixture.adminKey, "Content-Type": "application/json"]
            func send(_ method: String, _ path: String, _ body: String? = nil, headers: [String: String] = [:]) -> RawHTTPResponse? {
                fixture.request(method, path, headers: admin.merging(headers) { $1 }, body: body)
            }
            func fields(_ response: RawHTTPResponse?) -> [String: String] {
                ((response?.json?["error"] as? [String: Any])?["details"] as? [String: Any])?["fields"] as? [String: String] ?? [:]
            }

            // Create: 201 with an ETag; secrets are masked in the answer.
            let body = #"{"company_id":"nueva","company_name":"Nueva Clínica","redis_prefix":"nueva:","vectorstore_index":"nueva_documents","#
                + #""timezone":"Europe/Madrid","currency":"EUR","chatwoot":{"base_url":"https://chat.example.com","api_access_token":"tok-123"}}"#
            let created = try #require(send("POST", "/api/admin/companies", body))
            #expect(created.status == 201 && created.header("ETag") == "\"1\"")
            #expect(!created.text.contains("tok-123") && created.text.contains("\"***\""))
            #expect(send("POST", "/api/admin/companies", body)?.status == 409)

            // Validation: 422 with one entry per field; uniqueness: 409 naming the field.
            let invalid = send("POST", "/api/admin/companies",
                               #"{"company_id":"mala","company_name":"Mala","timezone":"Mars/Base","language":"fr","currency":"XXQ","treatment_durations":{"botox":-5}}"#)
            #expect(invalid?.status == 422)
            #expect(Set(fields(invalid).keys) == ["timezone", "language", "currency", "treatment_durations.botox"])
            let wrongType = send("POST", "/api/admin/companies", #"{"company_id":"tipo","company_name":42}"#)
            #expect(wrongType?.status == 422 && fields(wrongType)["company_name"] != nil)
            let taken = send("POST", "/api/admin/companies", #"{"company_id":"copia","company_name":"Copia","redis_prefix":"benova:","chatwoot_account_id":"7"}"#)
            #expect(taken?.status == 409 && fields(taken)["redis_prefix"] != nil && fields(taken)["chatwoot_account_id"] != nil)
            #expect(send("POST", "/api/admin/companies", "{", headers: [:])?.errorCode == "invalid_json")
            #expect(send("POST", "/api/admin/companies", "{}", headers: ["Content-Type": "text/plain"])?.status == 415)

            // Optimistic concurrency: a write with a stale If-Match is refused with 412.
            let patched = try #require(send("PATCH", "/api/admin/companies/nueva", #"{"sales_agent_name":"Lucía"}"#,
                                            headers: ["If-Match": "\"1\""]))
            #expect(patched.status == 200 && patched.header("ETag") == "\"2\"")
            #expect((patched.json?["company"] as? [String: Any])?["sales_agent_name"] as? String == "Lucía")
            let stale = send("PATCH", "/api/admin/companies/nueva", #"{"sales_agent_name":"Otra"}"#, headers: ["If-Match": "\"1\""])
            #expect(stale?.status == 412 && stale?.errorCode == "precondition_failed")
            // PUT with the masked secret keeps it; nothing ever returns it.
            let current = try #require(send("GET", "/api/admin/companies/nueva"))
            let company = try #require(current.json?["company"] as? [String: Any])
            let replacement = try JSONSerialization.data(withJSONObject: company.merging(["services": "láser"]) { $1 })
            let put = send("PUT", "/api/admin/companies/nueva", String(decoding: replacement, as: UTF8.self), headers: ["If-Match": "\"2\""])
            #expect(put?.status == 200 && put?.header("ETag") == "\"3\"")
            let stored = try String(contentsOfFile: "\(fixture.directory)/companies.json", encoding: .utf8)
            #expect(stored.contains("tok-123"))
            for path in ["/api/admin/companies/nueva", "/api/admin/companies", "/api/companies/nueva", "/api/companies"] {
                #expect(send("GET", path)?.text.contains("tok-123") == false, "\(path)")
            }

            // API keys: shown once, usable for their company only, listed by fingerprint, revocable.
            let key = try #require(send("POST", "/api/admin/companies/nueva/api-keys", #"{"name":"crm"}"#))
            #expect(key.status == 201)
            let apiKey = try #require(key.json?["api_key"] as? String)
            let keyID = try #require(key.json?["key_id"] as? String)
            let own = fixture.request("GET", "/api/company", headers: ["X-API-Key": apiKey])
            #expect(own?.status == 200 && own?.json?["company_id"] as? String == "nueva")
            #expect(fixture.request("GET", "/api/company", headers: ["X-API-Key": apiKey, "X-Company-ID": "benova"])?.status == 403)
            #expect(fixture.request("GET", "/api/admin/companies", headers: ["X-API-Key": apiKey])?.status == 403)
            let listed = try #require(send("GET", "/api/admin/companies/nueva/api-keys"))
            #expect(!listed.text.contains(apiKey) && listed.text.contains(keyID))
            #expect(send("DELETE", "/api/admin/companies/nueva/api-keys/\(keyID)")?.status == 200)
            #expect(fixture.request("GET", "/api/company", headers: ["X-API-Key": apiKey])?.status == 401)

            // Deactivate: the public API no longer shows it; tenant routes refuse it.
            #expect(send("DELETE", "/api/admin/companies/nueva")?.status == 200)
            #expect(await waitUntil { send("GET", "/api/companies/nueva")?.status == 404 })
            #expect(send("GET", "/api/company", headers: ["X-Company-ID": "nueva"])?.errorCode == "company_inactive")

            // The audit log says who did what.
            let audit = try #require(send("GET", "/api/admin/audit?company_id=nueva"))
            let actions = (audit.json?["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions == ["update", "delete_api_key", "create_api_key", "update", "update", "create"])
            #expect((audit.json?["entries"] as? [[String: Any]])?.first?["actor"] as? String == "admin:api-key")
        }

        @Test func reload_PicksUpFileEdits_AndABrokenFileKeepsTheOldConfiguration() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_CACHE_TTL": "100ms"])
            let admin = ["X-API-Key": fixture.adminKey]
            let path = "\(fixture.directory)/companies.json"
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "\"Clínica wellness\"", with: "\"Wellness Renovado\"")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(fixture.request("POST", "/api/admin/companies/reload-config", headers: admin)?.status == 200)
            let renamed = await waitUntil {
                let answer = fixture.request("GET", "/api/companies/wellness", headers: admin)
                return (answer?.json?["company"] as? [String: Any])?["company_name"] as? String == "Wellness Renovado"
            }
            #expect(renamed)

            try "{ broken".write(toFile: path, atomically: true, encoding: .utf8)
            let failed = fixture.request("POST", "/api/admin/companies/reload-config", headers: admin)
            #expect(failed?.status == 412 && failed?.errorCode == "precondition_failed")
            // The broken file changed nothing: the last good configuration keeps serving.
            #expect(fixture.request("GET", "/api/companies/wellness", headers: admin)?.status == 200)
            #expect(fixture.request("GET", "/api/companies", headers: admin)?.json?["total"] as? Int == 4)
        }
    }
}

extension IntegrationSuite.GatewayAdminTests {
    @Test func purge_ErasesTheCompanyEverywhere_OnlyWhenEveryServiceAgrees() async throws {
        let fixture = GatewayFixture()
        defer { fixture.stop() }
        try await fixture.start(startAgent: true)
        let admin = ["X-API-Key": fixture.adminKey]
        // RAG and media are down: nothing is erased, and the answer names the service that failed.
        let refused = fixture.request("DELETE", "/api/admin/companies/wellness?purge=true", headers: admin)
        #expect(refused?.status == 503 && refused?.text.contains("\"service\":\"rag\"") == true)
        #expect(fixture.request("GET", "/api/admin/companies/wellness", headers: admin)?.status == 200)
    }

    @Test func purge_WithEveryServiceUp_RemovesTheCompanyAndItsKeys() async throws {
        let fixture = GatewayFixture()
        defer { fixture.stop() }
        try await fixture.start(startAllServices: true)
        let admin = ["X-API-Key": fixture.adminKey]
        let purged = await fixture.purge("dental")
        #expect(purged?.status == 200 && purged?.json?["purged"] as? Bool == true)
        #expect(fixture.request("GET", "/api/admin/companies/dental", headers: admin)?.status == 404)
        #expect(fixture.request("GET", "/api/company", headers: ["X-API-Key": fixture.dentalKey])?.status == 401)
        let file = try String(contentsOfFile: "\(fixture.directory)/companies.json", encoding: .utf8)
        #expect(!file.contains("\"dental\"") && file.contains("\"benova\""))
        let audit = fixture.request("GET", "/api/admin/audit?company_id=dental", headers: admin)?.json?["entries"] as? [[String: Any]]
        #expect(audit?.first?["action"] as? String == "purge")
    }
}
