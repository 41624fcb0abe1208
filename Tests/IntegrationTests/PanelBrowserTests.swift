import Foundation
import Testing

extension IntegrationSuite {
    /// The admin panel in headless Chromium (Tests/Browser/panel_test.py, Selenium) against the real gateway,
    /// config, agent, RAG and media executables: sign-in, companies, documents, search, chat with its cited
    /// source, appointments, conversations, prompts, inbox, XSS probes that must not run, keyboard use, a clean
    /// console. Screenshots of every page are kept in `.build/test-artefacts/panel/`.
    @Suite(.serialized) struct PanelBrowserTests {
        @Test func thePanel_DrivenInABrowser_DoesEverythingItShows() async throws {
            let python = try #require(ProcessInfo.processInfo.environment["TEST_BROWSER_PYTHON"],
                                      "TEST_BROWSER_PYTHON is not set: run the tests through scripts/test.sh, which installs Selenium and Chromium")
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_PANEL_DIR": PythonTool.repository.appendingPathComponent("panel").path], startAllServices: true)
            let artefacts = PythonTool.repository.appendingPathComponent(".build/test-artefacts/panel").path
            try? FileManager.default.removeItem(atPath: artefacts)
            let (status, report) = try await PythonTool.run(
                python: python, script: "Tests/Browser/panel_test.py",
                arguments: ["--base", "http://127.0.0.1:\(fixture.httpPort)", "--admin-key", fixture.adminKey, "--artefacts", artefacts],
                log: PythonTool.repository.appendingPathComponent(".build/test-artefacts/panel-run.log").path)
            print(report)
            #expect(status == 0, "the browser run failed:\n\(report)")
            for page in ["01-dashboard", "02-companies", "03-documents", "04-chat", "05-appointments", "06-conversations", "07-prompts", "08-inbox",
                         "10-dashboard-with-traffic"] {
                #expect(FileManager.default.fileExists(atPath: "\(artefacts)/\(page).png"), "no screenshot of \(page)")
            }
        }
    }
}
