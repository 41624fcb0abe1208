import Foundation
import Testing

extension IntegrationSuite {
    /// A configuration change reaches the other services within a second.
    @Suite(.serialized) struct ConfigPropagationTests {
        @Test func adminChangeAndFileReload_ReachTheAgentServiceWithinASecond() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAgent: true)
            let admin = ["X-API-Key": fixture.adminKey, "Content-Type": "application/json"]
            func agentName() -> String? {
                fixture.request("GET", "/api/companies/benova/agents", headers: admin)?.json?["sales_agent_name"] as? String
            }
            // The agent service has its copy once it has connected.
            var initial: String?
            for _ in 0..<50 where initial == nil {
                initial = agentName()
                if initial == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(initial == "Asesora benova")
            let agents = fixture.request("GET", "/api/companies/benova/agents", headers: admin)?.json?["agents"] as? [[String: Any]]
            #expect(agents?.count == 6)
            // Tenant credentials see their own company's agents only.
            #expect(fixture.request("GET", "/api/companies/benova/agents", headers: ["X-API-Key": fixture.dentalKey])?.status == 403)

            func waitFor(_ expected: String) async throws -> Duration? {
                let start = ContinuousClock.now
                while ContinuousClock.now - start < .seconds(3) {
                    if agentName() == expected { return ContinuousClock.now - start }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return nil
            }

            // Through the admin API.
            #expect(fixture.request("PATCH", "/api/admin/companies/benova", headers: admin, body: #"{"sales_agent_name":"Sofía"}"#)?.status == 200)
            let viaAdmin = try await waitFor("Sofía")
            #expect(viaAdmin != nil && viaAdmin! < .seconds(1), "\(String(describing: viaAdmin))")

            // Through a file edit and reload-config.
            let path = "\(fixture.directory)/companies.json"
            let edited = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "Sofía", with: "Valentina")
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(fixture.request("POST", "/api/admin/companies/reload-config", headers: admin)?.status == 200)
            let viaReload = try await waitFor("Valentina")
            #expect(viaReload != nil && viaReload! < .seconds(1), "\(String(describing: viaReload))")
        }
    }
}
