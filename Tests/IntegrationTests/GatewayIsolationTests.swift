import Foundation
import Testing

extension IntegrationSuite {
    /// Tries every endpoint with tenant A's credentials against tenant B, in every way a request can
    /// name a company, and checks that nothing of B is read or changed.
    @Suite(.serialized) struct GatewayIsolationTests {
        static let routes: [(method: String, path: String)] = [
            ("GET", "/api/company"), ("GET", "/api/companies"), ("GET", "/api/companies/{id}"), ("GET", "/api/companies/{id}/agents"),
            ("GET", "/api/admin/companies"), ("GET", "/api/admin/companies/{id}"), ("POST", "/api/admin/companies"),
            ("PUT", "/api/admin/companies/{id}"), ("PATCH", "/api/admin/companies/{id}"), ("DELETE", "/api/admin/companies/{id}"),
            ("POST", "/api/admin/companies/reload-config"), ("POST", "/api/admin/companies/{id}/clear-cache"),
            ("GET", "/api/admin/companies/{id}/api-keys"), ("POST", "/api/admin/companies/{id}/api-keys"),
            ("DELETE", "/api/admin/companies/{id}/api-keys/anything"), ("GET", "/api/admin/audit"),
            ("GET", "/api/admin/prompts"), ("PUT", "/api/admin/prompts/sales"), ("DELETE", "/api/admin/prompts/sales"),
            ("POST", "/api/admin/prompts/sales/preview"),
        ]

        @Test func tenantACredentials_NeverReadOrChangeTenantB() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAgent: true)
            let before = try String(contentsOfFile: "\(fixture.directory)/companies.json", encoding: .utf8)
            for route in Self.routes {
                let path = route.path.replacingOccurrences(of: "{id}", with: "dental")
                let variants: [(target: String, headers: [String: String], body: String?)] = [
                    (path, [:], nil),
                    (path, ["X-Company-ID": "dental"], nil),
                    (path + "?company_id=dental", [:], nil),
                    (path, ["Content-Type": "application/json"], #"{"company_id":"dental","company_name":"Hacked","name":"k"}"#),
                ]
                for variant in variants {
                    var headers = variant.headers
                    headers["X-API-Key"] = fixture.benovaKey
                    let response = fixture.request(route.method, variant.target, headers: headers, body: variant.body)
                    let label = "\(route.method) \(variant.target) \(variant.headers)"
                    let status = try #require(response?.status, "\(label): no answer")
                    // Either refused, or (for the caller's own, body-less tenant route) answered for benova only.
                    if status < 300 && route.path == "/api/companies" {
                        // The directory, for a tenant credential: its own company only.
                        let listed = (response?.json?["companies"] as? [[String: Any]])?.compactMap { $0["company_id"] as? String }
                        #expect(listed == ["benova"], "\(label)")
                    } else if status < 300 {
                        #expect(route.path == "/api/company" && variant.headers.isEmpty && variant.body == nil, "\(label) answered \(status)")
                        #expect(response?.json?["company_id"] as? String == "benova", "\(label)")
                    } else {
                        #expect([400, 401, 403].contains(status), "\(label) answered \(status)")
                    }
                    #expect(response?.text.contains("Clínica dental") == false, "\(label) leaked tenant B data")
                }
            }
            // Nothing of B (or anything else) changed.
            let after = try String(contentsOfFile: "\(fixture.directory)/companies.json", encoding: .utf8)
            #expect(before == after)
        }
    }
}
