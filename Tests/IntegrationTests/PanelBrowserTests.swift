import Foundation
import Testing

extension IntegrationSuite {
    /// The admin panel in headless Chromium (Tests/Browser/panel_test.py, Selenium) against the real gateway,
    /// config, agent, RAG and media executables: sign-in, companies, documents, search, chat with its cited
    /// source, appointments, conversations, prompts, inbox, XSS probes that must not run, keyboard use, a clean
    /// console. Screenshots of every page are kept in `.build/test-artefacts/panel/`.
    @Suite(.serialized) struct PanelBrowserTests {
        static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

        @Test func thePanel_DrivenInABrowser_DoesEverythingItShows() async throws {
            let python = try #require(ProcessInfo.processInfo.environment["TEST_BROWSER_PYTHON"],
                                      "TEST_BROWSER_PYTHON is not set: run the tests through scripts/test.sh, which installs Selenium and Chromium")
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_PANEL_DIR": Self.repository.appendingPathComponent("panel").path], startAllServices: true)
            let artefacts = Self.repository.appendingPathComponent(".build/test-artefacts/panel").path
            try? FileManager.default.removeItem(atPath: artefacts)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [Self.repository.appendingPathComponent("Tests/Browser/panel_test.py").path,
                                 "--base", "http://127.0.0.1:\(fixture.httpPort)", "--admin-key", fixture.adminKey, "--artefacts", artefacts]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            let status: Int32 = try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do { try process.run() } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
            let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            print(report)
            #expect(status == 0, "the browser run failed:\n\(report)")
            for page in ["01-dashboard", "02-companies", "03-documents", "04-chat", "05-appointments", "06-conversations", "07-prompts", "08-inbox",
                         "10-dashboard-with-traffic"] {
                #expect(FileManager.default.fileExists(atPath: "\(artefacts)/\(page).png"), "no screenshot of \(page)")
            }
        }
    }
}
