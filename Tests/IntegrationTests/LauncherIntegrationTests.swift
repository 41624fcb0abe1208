import Foundation
import NetworkCore
import Testing
import Wire
import WireRPC

extension IntegrationSuite {
    /// Runs the real `launcher`, which runs the five real service executables.
    @Suite(.serialized) struct LauncherIntegrationTests {
        private func health(_ address: SocketAddress) async -> HealthCheckResponse? {
            let client = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(connectTimeout: .seconds(1)))
            defer { client.close() }
            return try? await client.call(StandardMethods.health, HealthCheckRequest(), timeout: .seconds(1))
        }

        private func waitForServing(_ address: SocketAddress, differentFrom pid: Int32? = nil,
                                    timeout: Duration = .seconds(30)) async -> HealthCheckResponse? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let report = await health(address), report.status == .serving, report.processID != pid { return report }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return nil
        }

        @Test func launcher_RunsAllFiveServices_RestartsACrashedOne_AndStopsThemAll() async throws {
            let runDirectory = NSTemporaryDirectory() + "launcher-" + UUID().uuidString.prefix(8)
            defer { try? FileManager.default.removeItem(atPath: runDirectory) }
            let launcher = Process()
            launcher.executableURL = try ExecutableLocator.url("launcher")
            launcher.arguments = ["--run-dir", runDirectory]
            launcher.currentDirectoryURL = ExecutableLocator.packageRoot
            var environment = ProcessInfo.processInfo.environment
            environment["GATEWAY_HTTP_ADDRESS"] = "tcp://127.0.0.1:\(GatewayFixture.randomPort())"
            launcher.environment = environment
            launcher.standardOutput = FileHandle.nullDevice
            launcher.standardError = FileHandle.nullDevice
            try launcher.run()
            defer { if launcher.isRunning { kill(launcher.processIdentifier, SIGKILL) } }

            var reports: [ServiceName: HealthCheckResponse] = [:]
            for service in ServiceName.allCases {
                let address = SocketAddress.unix(path: "\(runDirectory)/\(service.rawValue).sock")
                let report = await waitForServing(address)
                #expect(report?.service == service.rawValue, "\(service) is not serving")
                reports[service] = report
            }
            // The gateway's health aggregates the four downstream services over Wire.
            let gateway = try #require(reports[.gateway])
            for downstream in ["config", "agent", "rag", "media"] {
                #expect(gateway.components[downstream]?.status == .serving)
            }

            // A crashed service is restarted with a new process.
            let rag = SocketAddress.unix(path: "\(runDirectory)/rag.sock")
            let oldPID = try #require(reports[.rag]?.processID)
            kill(oldPID, SIGKILL)
            let restarted = await waitForServing(rag, differentFrom: oldPID, timeout: .seconds(15))
            #expect(restarted != nil && restarted?.processID != oldPID)

            // SIGTERM stops everything gracefully.
            kill(launcher.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(20)
            while launcher.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!launcher.isRunning)
            #expect(launcher.terminationStatus == 0)
            for service in ServiceName.allCases {
                #expect(await health(.unix(path: "\(runDirectory)/\(service.rawValue).sock")) == nil)
                if let pid = reports[service]?.processID, service != .rag { #expect(kill(pid, 0) != 0, "\(service) still runs") }
            }
        }

        @Test func serviceExecutable_ServesHealthOverTCP_AndStopsOnSIGTERM() async throws {
            let port = GatewayFixture.randomPort()
            let service = Process()
            service.executableURL = try ExecutableLocator.url("media-service")
            service.arguments = ["--listen", "tcp://127.0.0.1:\(port)"]
            service.standardError = FileHandle.nullDevice
            try service.run()
            defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
            let report = await waitForServing(.tcp(host: "127.0.0.1", port: port), timeout: .seconds(10))
            #expect(report?.service == "media")
            #expect(report?.processID == service.processIdentifier)
            service.terminate()
            service.waitUntilExit()
            #expect(service.terminationStatus == 0)
        }
    }
}
