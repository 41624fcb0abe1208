import Foundation
import Testing

extension IntegrationSuite {
    /// Generated input against the real system: schemathesis reads docs/openapi.yaml and sends thousands of
    /// requests (valid, boundary and invalid ones) with a tenant key and then the admin key
    /// (Tests/Tools/api_fuzz.py). Every answer must be free of 5xx, use a documented status code and content
    /// type, and match its documented schema; at least 2,000 requests must reach the gateway. Logs and JUnit
    /// reports are kept in `.build/test-artefacts/api-fuzz/`.
    @Suite(.serialized) struct APIFuzzIntegrationTests {
        @Test func generatedRequests_GetNoServerErrorAndNothingTheSpecDoesNotSay() async throws {
            let schemathesis = try #require(ProcessInfo.processInfo.environment["TEST_SCHEMATHESIS"],
                                            "TEST_SCHEMATHESIS is not set: run the tests through scripts/test.sh, which installs schemathesis")
            let python = URL(fileURLWithPath: schemathesis).deletingLastPathComponent().appendingPathComponent("python").path
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            let artefacts = PythonTool.repository.appendingPathComponent(".build/test-artefacts/api-fuzz").path
            try? FileManager.default.removeItem(atPath: artefacts)
            let (status, report) = try await PythonTool.run(
                python: python, script: "Tests/Tools/api_fuzz.py",
                arguments: ["--base", "http://127.0.0.1:\(fixture.httpPort)", "--admin-key", fixture.adminKey,
                            "--spec", PythonTool.repository.appendingPathComponent("docs/openapi.yaml").path, "--schemathesis", schemathesis,
                            "--artefacts", artefacts],
                log: artefacts + "/summary.txt")
            print(report.prefix(4_000))
            #expect(status == 0, "the generated-input run failed:\n\(report)")
        }
    }
}
