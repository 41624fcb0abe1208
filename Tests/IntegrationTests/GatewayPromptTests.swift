import Foundation
import Testing

extension IntegrationSuite {
    /// Prompts per company and agent: resolution order, custom prompts, restore, preview, validation.
    @Suite(.serialized) struct GatewayPromptTests {
        @Test func promptsResolveCustomThenCompanyDefaultThenBuiltIn() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try #"{"dental": {"support_agent": {"prompt_template": "Soporte de {company_name}: {question}"}}}"#
                .write(toFile: "\(fixture.directory)/custom_prompts.json", atomically: true, encoding: .utf8)
            try await fixture.start(startAgent: true)
            let admin = ["X-API-Key": fixture.adminKey, "Content-Type": "application/json"]
            func source(_ company: String, _ agent: String) -> String? {
                let agents = fixture.request("GET", "/api/admin/prompts?company_id=\(company)", headers: admin)?.json?["agents"]
                return ((agents as? [String: Any])?[agent] as? [String: Any])?["source"] as? String
            }
            #expect(source("dental", "support") == "company_default")
            #expect(source("dental", "sales") == "builtin")
            #expect(source("benova", "support") == "builtin")
            #expect(fixture.request("GET", "/api/admin/prompts", headers: admin)?.errorCode == "company_id_required")

            // A custom prompt wins, and is audited.
            let put = fixture.request("PUT", "/api/admin/prompts/sales", headers: admin,
                                      body: #"{"company_id":"dental","prompt_template":"Ventas {company_name} con {agent_name}: {question}"}"#)
            #expect(put?.status == 200)
            #expect(source("dental", "sales") == "custom")
            #expect(source("benova", "sales") == "builtin")
            let preview = fixture.request("POST", "/api/admin/prompts/sales/preview", headers: admin, body: #"{"company_id":"dental"}"#)
            #expect((preview?.json?["preview"] as? String)?.hasPrefix("Ventas Clínica dental con Asesora dental:") == true)
            let audit = fixture.request("GET", "/api/admin/audit?company_id=dental", headers: admin)?.json?["entries"] as? [[String: Any]]
            #expect((audit?.first?["fields"] as? [String])?.contains("custom_prompts") == true)

            // The agent service sees the source too (propagated configuration).
            var agentSource: String?
            for _ in 0..<50 where agentSource != "custom" {
                let agents = fixture.request("GET", "/api/companies/dental/agents", headers: admin)?.json?["agents"] as? [[String: Any]]
                agentSource = agents?.first { $0["agent"] as? String == "sales" }?["prompt_source"] as? String
                if agentSource != "custom" { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(agentSource == "custom")

            // Unknown placeholders and agents are refused; DELETE restores the default.
            let invalid = fixture.request("PUT", "/api/admin/prompts/sales", headers: admin,
                                          body: #"{"company_id":"dental","prompt_template":"Hola {patient_name}"}"#)
            #expect(invalid?.status == 422)
            #expect(fixture.request("PUT", "/api/admin/prompts/cashier", headers: admin,
                                    body: #"{"company_id":"dental","prompt_template":"x"}"#)?.status == 404)
            #expect(fixture.request("DELETE", "/api/admin/prompts/sales?company_id=dental", headers: admin)?.status == 200)
            #expect(source("dental", "sales") == "builtin")
            // Tenant credentials cannot touch prompts.
            #expect(fixture.request("GET", "/api/admin/prompts?company_id=dental", headers: ["X-API-Key": fixture.dentalKey])?.status == 403)
        }
    }
}
