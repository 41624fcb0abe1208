import Foundation
import Testing

extension IntegrationSuite {
    /// The config service on PostgreSQL: migration from the JSON files, and surviving a database outage.
    @Suite(.serialized) struct ConfigPostgresTests {
        private func migrate(_ database: TestPostgres) throws -> (status: Int32, log: String) {
            let process = Process()
            process.executableURL = try ExecutableLocator.url("config-service")
            process.arguments = ["migrate", "--companies-file", ExecutableLocator.packageRoot.appendingPathComponent("config/companies_config.json").path]
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = database.url
            process.environment = environment
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, log)
        }

        @Test func migrate_ImportsTheShippedFiles_AndASecondRunChangesNothing() throws {
            let database = try TestPostgres()
            let first = try migrate(database)
            #expect(first.status == 0)
            #expect(first.log.contains("4 imported, 0 unchanged"), "\(first.log)")
            let second = try migrate(database)
            #expect(second.status == 0)
            #expect(second.log.contains("0 imported, 4 unchanged"), "\(second.log)")
        }

        @Test func databaseOutage_ReadsKeepWorking_WritesFail_HealthDegrades_AndRecovers() async throws {
            let database = try TestPostgres()
            #expect(try migrate(database).status == 0)
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["DATABASE_URL": database.url, "GATEWAY_CACHE_TTL": "100ms"])
            let admin = ["X-API-Key": fixture.adminKey, "Content-Type": "application/json"]
            #expect(fixture.request("PATCH", "/api/admin/companies/dental", headers: admin, body: #"{"services":"ortodoncia"}"#)?.status == 200)

            try database.stop()
            // Reads: served from the config service's last loaded configuration.
            #expect(fixture.request("GET", "/api/companies/dental", headers: admin)?.status == 200)
            #expect(fixture.request("GET", "/api/admin/companies/dental", headers: admin)?.status == 200)
            // Writes: refused with 503 while the database is away.
            let refused = fixture.request("PATCH", "/api/admin/companies/dental", headers: admin, body: #"{"services":"implantes"}"#)
            #expect(refused?.status == 503 && refused?.errorCode == "service_unavailable")
            let health = fixture.request("GET", "/api/health")
            #expect(health?.json?["status"] as? String == "degraded")
            #expect((health?.json?["services"] as? [String: [String: Any]])?["config"]?["status"] as? String == "degraded")

            try database.start()
            let recovered = await waitUntil(timeout: .seconds(10)) {
                fixture.request("PATCH", "/api/admin/companies/dental", headers: admin, body: #"{"services":"implantes"}"#)?.status == 200
            }
            #expect(recovered)
            let company = fixture.request("GET", "/api/companies/dental", headers: admin)?.json?["company"] as? [String: Any]
            #expect(company?["services"] as? String == "implantes")
        }
    }
}
