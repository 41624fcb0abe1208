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
            #expect(await waitUntil(timeout: .seconds(20)) { !launcher.isRunning })
            #expect(launcher.terminationStatus == 0)
            for service in ServiceName.allCases {
                #expect(await health(.unix(path: "\(runDirectory)/\(service.rawValue).sock")) == nil)
                if let pid = reports[service]?.processID, service != .rag { #expect(kill(pid, 0) != 0, "\(service) still runs") }
            }
        }

        @Test func serviceExecutable_OnTCP_RequiresCallerAuthentication_ServesHealth_AndStopsOnSIGTERM() async throws {
            // Without a credential (or mutual TLS) a TCP listener refuses to start.
            let port = GatewayFixture.randomPort()
            let unauthenticated = Process()
            unauthenticated.executableURL = try ExecutableLocator.url("media-service")
            unauthenticated.arguments = ["--listen", "tcp://127.0.0.1:\(port)"]
            unauthenticated.standardError = FileHandle.nullDevice
            try unauthenticated.run()
            let refusedToStart = await waitUntil(timeout: .seconds(10)) { !unauthenticated.isRunning }
            if !refusedToStart { kill(unauthenticated.processIdentifier, SIGKILL) }
            #expect(refusedToStart && unauthenticated.terminationStatus != 0, "a TCP listener started without caller authentication")

            let credentialFile = NSTemporaryDirectory() + "wire-credential-" + UUID().uuidString.prefix(8)
            try "launcher-test-credential-0123456789abcdefgh".write(toFile: credentialFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: credentialFile) }
            let service = Process()
            service.executableURL = try ExecutableLocator.url("media-service")
            service.arguments = ["--listen", "tcp://127.0.0.1:\(port)"]
            var environment = ProcessInfo.processInfo.environment
            environment["WIRE_SERVICE_CREDENTIAL_FILE"] = credentialFile
            service.environment = environment
            service.standardError = FileHandle.nullDevice
            try service.run()
            defer { if service.isRunning { kill(service.processIdentifier, SIGKILL) } }
            let address = SocketAddress.tcp(host: "127.0.0.1", port: port)
            let credential = try #require(ServiceCredential(secret: "launcher-test-credential-0123456789abcdefgh"))
            let trusted = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
                connectTimeout: .seconds(1), callerName: "gateway", serviceCredential: credential))
            defer { trusted.close() }
            let report = await waitUntil(timeout: .seconds(10)) {
                (try? await trusted.call(StandardMethods.health, HealthCheckRequest(), timeout: .seconds(1)))?.status == .serving
            }
            #expect(report)
            #expect(try await trusted.call(StandardMethods.health, HealthCheckRequest()).processID == service.processIdentifier)
            // Any other process that reaches the port gets nothing: no credential, or a wrong one.
            let stranger = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(callerName: "gateway"))
            defer { stranger.close() }
            await #expect(throws: RPCError.self) {
                try await stranger.call(StandardMethods.purgeTenant, PurgeTenantRequest(companyID: CompanyID("benova")!, actor: "x"))
            }
            do {
                _ = try await stranger.call(StandardMethods.health, HealthCheckRequest())
                Issue.record("an unauthenticated TCP caller was served")
            } catch {
                #expect(error.code == .unauthenticated)
            }
            let forger = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
                callerName: "gateway", serviceCredential: ServiceCredential(secret: "a-different-credential-0123456789abcdef")))
            defer { forger.close() }
            await #expect(throws: RPCError(.unauthenticated, "this listener needs the service credential or a client certificate")) {
                try await forger.call(StandardMethods.health, HealthCheckRequest())
            }
            service.terminate()
            service.waitUntilExit()
            #expect(service.terminationStatus == 0)
        }

        @Test func launcher_KeepsSupervising_WhenARestartFails() async throws {
            // The launcher runs the executables of a private bin directory, so one can go missing.
            let runDirectory = NSTemporaryDirectory() + "launcher-restart-" + UUID().uuidString.prefix(8)
            let binDirectory = runDirectory + "/bin"
            try FileManager.default.createDirectory(atPath: binDirectory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: runDirectory) }
            for service in ServiceName.allCases {
                try FileManager.default.copyItem(at: try ExecutableLocator.url(service.executableName),
                                                 to: URL(fileURLWithPath: "\(binDirectory)/\(service.executableName)"))
            }
            let log = "\(runDirectory)/launcher.log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let launcher = Process()
            launcher.executableURL = try ExecutableLocator.url("launcher")
            launcher.arguments = ["--run-dir", runDirectory, "--bin-dir", binDirectory]
            launcher.currentDirectoryURL = ExecutableLocator.packageRoot
            var environment = ProcessInfo.processInfo.environment
            environment["GATEWAY_HTTP_ADDRESS"] = "tcp://127.0.0.1:\(GatewayFixture.randomPort())"
            launcher.environment = environment
            launcher.standardOutput = FileHandle.nullDevice
            launcher.standardError = FileHandle(forWritingAtPath: log)
            try launcher.run()
            defer { if launcher.isRunning { kill(launcher.processIdentifier, SIGKILL) } }
            let rag = SocketAddress.unix(path: "\(runDirectory)/rag.sock")
            let first = try #require(await waitForServing(rag))
            let firstPID = try #require(first.processID)

            // The executable disappears, then the service crashes: restarting it fails, more than once.
            let executable = "\(binDirectory)/rag-service"
            try FileManager.default.moveItem(atPath: executable, toPath: executable + ".away")
            kill(firstPID, SIGKILL)
            let failedTwice = await waitUntil(timeout: .seconds(15)) {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return text.components(separatedBy: "cannot restart rag-service").count > 2
            }
            #expect(failedTwice)
            // It comes back: the launcher is still trying, and the service serves again with a new process.
            try FileManager.default.moveItem(atPath: executable + ".away", toPath: executable)
            let again = await waitForServing(rag, differentFrom: firstPID, timeout: .seconds(20))
            #expect(again != nil)
            kill(launcher.processIdentifier, SIGTERM)
            #expect(await waitUntil(timeout: .seconds(20)) { !launcher.isRunning })
        }
    }
}
