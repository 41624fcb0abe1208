import Foundation
import Glibc
import NetworkCore
import Synchronization
import Testing
import Wire
import WireRPC

/// A service process (media-service: it serves only the standard methods) on a Unix socket of its own.
final class ServiceProcess: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "wire-it-" + UUID().uuidString.prefix(8)
    var socket: String { "\(directory)/service.sock" }
    private(set) var process: Process?

    init(_ executable: String = "media-service", environment extra: [String: String] = [:], arguments: [String] = []) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = try ExecutableLocator.url(executable)
        process.arguments = ["--listen", "unix:\(socket)"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "error"
        environment["WIRE_RUN_DIR"] = directory
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let client = RPCClient(endpoints: [.unix(path: socket)])
        defer { client.close() }
        let ready = await waitUntil(timeout: .seconds(10)) {
            (try? await client.call(StandardMethods.health, HealthCheckRequest(), timeout: .seconds(1))) != nil
        }
        guard ready else { throw ExecutableLocator.LocatorError(message: "\(executable) did not start") }
    }

    var inspector: ProcessInspector? { process.map { ProcessInspector(pid: $0.processIdentifier) } }

    func stop() {
        if let process, process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A raw Wire connection: exact frames in, exact frames out.
final class RawWireConnection: @unchecked Sendable {
    // Used by one thread at a time.
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init?(path: String, receiveTimeout: Int = 5) {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8).prefix(raw.count - 1)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            return nil
        }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// The next frame, or nil on close or timeout.
    func readFrame() -> Frame? {
        while true {
            if buffer.count >= 4 {
                let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
                if buffer.count >= length + 4 {
                    let frame = buffer.prefix(length + 4).withUnsafeBytes { try? FrameCodec.decode($0) }
                    buffer.removeFirst(length + 4)
                    return frame
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Whether the peer closed the connection within the receive timeout.
    func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count > 0 { continue }
            return count == 0
        }
    }

    static func request(_ streamID: UInt32, _ method: String, _ payload: [UInt8], metadata: Metadata = Metadata()) -> [UInt8] {
        FrameCodec.encode(Frame(header: FrameHeader(kind: .request, streamID: streamID, method: method, metadata: metadata), payload: payload))
    }
}

extension IntegrationSuite {
    /// The Wire transport and the services' own checks, against real service executables over raw sockets.
    @Suite(.serialized) struct WireRobustnessTests {
        @Test func anOversizedRequest_FailsItsCallOnly_AndTheConnectionGoesOn() async throws {
            let service = try await ServiceProcess(environment: ["WIRE_MAX_FRAME_BYTES": "1048576"])
            defer { service.stop() }
            let echo = try BinaryEncoder().encode(EchoMessage(text: "still here"))
            let outcome = await onThread { () -> (first: Frame?, second: Frame?) in
                guard let connection = RawWireConnection(path: service.socket) else { return (nil, nil) }
                // A 17 MiB request: over both the configured 1 MiB and the 16 MiB default.
                var huge = RawWireConnection.request(1, StandardMethods.echo.fullName, [])
                let total = 17 << 20
                let length = UInt32(total - 4)
                huge[0] = UInt8(length >> 24); huge[1] = UInt8((length >> 16) & 0xFF); huge[2] = UInt8((length >> 8) & 0xFF); huge[3] = UInt8(length & 0xFF)
                guard connection.send(huge) else { return (nil, nil) }
                let filler = [UInt8](repeating: 0, count: 1 << 20)
                var remaining = total - huge.count
                while remaining > 0 {
                    guard connection.send(Array(filler.prefix(remaining))) else { return (nil, nil) }
                    remaining -= min(remaining, filler.count)
                }
                connection.send(RawWireConnection.request(3, StandardMethods.echo.fullName, echo))
                return (connection.readFrame(), connection.readFrame())
            }
            #expect(outcome.first?.header.kind == .error && outcome.first?.header.streamID == 1)
            #expect(outcome.first?.header.status == .resourceExhausted)
            #expect(outcome.second?.header.kind == .response && outcome.second?.header.streamID == 3)
            if let payload = outcome.second?.payload {
                #expect(try BinaryDecoder().decode(EchoMessage.self, from: payload).text == "still here")
            }
        }

        @Test func aFrameThatNeverFinishesArriving_ClosesItsConnection() async throws {
            let service = try await ServiceProcess(environment: ["WIRE_PARTIAL_FRAME_TIMEOUT": "1s"])
            defer { service.stop() }
            let frame = RawWireConnection.request(1, StandardMethods.echo.fullName, try BinaryEncoder().encode(EchoMessage(text: "x")))
            let closed = await onThread { () -> Bool in
                guard let connection = RawWireConnection(path: service.socket) else { return false }
                connection.send(Array(frame.prefix(frame.count - 3)))
                return connection.waitForClose()
            }
            #expect(closed)
        }

        @Test func aClientThatDoesNotRead_CannotMakeTheServiceBuffer() async throws {
            let service = try await ServiceProcess()
            defer { service.stop() }
            let inspector = try #require(service.inspector)
            let before = try #require(inspector.residentKiB)
            let payload = try BinaryEncoder().encode(EchoMessage(text: String(repeating: "m", count: 512 << 10)))
            let taken = await onThread { () -> Int in
                guard let connection = RawWireConnection(path: service.socket) else { return 0 }
                var taken = 0
                // 300 echo requests of 512 KiB (150 MiB of answers), none of them read.
                requests: for streamID in stride(from: UInt32(1), to: 600, by: 2) {
                    let frame = RawWireConnection.request(streamID, StandardMethods.echo.fullName, payload)
                    var offset = 0
                    var stalls = 0
                    while offset < frame.count {
                        let sent = frame[offset...].withUnsafeBytes { Glibc.send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                        if sent > 0 {
                            offset += sent
                            taken += sent
                            stalls = 0
                            continue
                        }
                        stalls += 1
                        if stalls > 30 { break requests }  // the service stopped reading: it pushes back
                        usleep(10_000)
                    }
                }
                return taken
            }
            let after = try #require(inspector.residentKiB)
            #expect(taken < 100 << 20, "the service took \(taken >> 20) MiB from a client that never reads")
            #expect(after - before < 120_000, "RSS grew from \(before) to \(after) KiB")
        }

        @Test func services_CheckTheTenantOfEveryCall_AndKeepSecretsToThoseWhoNeedThem() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAgent: true)
            let admin = ["X-API-Key": fixture.adminKey, "Content-Type": "application/json"]
            let secret = #"{"chatwoot": {"base_url": "https://chat.example.com", "api_access_token": "tok-secret-123"}}"#
            #expect(fixture.request("PATCH", "/api/admin/companies/benova", headers: admin, body: secret)?.status == 200)
            let config = RPCClient(endpoints: [.unix(path: fixture.configSocket)], configuration: RPCClientConfiguration(callerName: "gateway"))
            defer { config.close() }
            let agentSocket = SocketAddress.unix(path: "\(fixture.directory)/agent.sock")
            let agent = RPCClient(endpoints: [agentSocket], configuration: RPCClientConfiguration(callerName: "gateway"))
            defer { agent.close() }
            let benova = CompanyID("benova")!
            var asBenova = Metadata()
            asBenova.tenant = "benova"
            // The agent service has its copy of the configuration once the change has propagated.
            #expect(await waitUntil {
                (try? await agent.call(AgentAPI.describeCompany, DescribeCompanyRequest(companyID: benova), metadata: asBenova)) != nil
            })
            var asMedispa = Metadata()
            asMedispa.tenant = "medispa"
            // A call that names benova in its body but medispa as its tenant is refused by the service itself.
            for call in [{ try await agent.call(AgentAPI.describeCompany, DescribeCompanyRequest(companyID: benova), metadata: asMedispa) as Any },
                         { try await config.call(ConfigAPI.getCompany, GetCompanyRequest(companyID: benova), metadata: asMedispa) as Any },
                         { try await config.call(StandardMethods.purgeTenant, PurgeTenantRequest(companyID: benova, actor: "x")) as Any }] {
                let refused = await #expect(throws: RPCError.self) { _ = try await call() }
                #expect(refused?.code == .permissionDenied)
            }
            #expect(try await agent.call(AgentAPI.describeCompany, DescribeCompanyRequest(companyID: benova), metadata: asBenova).companyID == benova)
            // The company list every watcher gets carries no secret.
            let listed = try await config.call(ConfigAPI.listCompanies, ListCompaniesRequest())
            #expect(listed.companies.first { $0.id == benova }?.chatwoot?.apiAccessToken == Company.maskedSecret)
            // The secrets themselves go to the services that use them, not to the gateway.
            let denied = await #expect(throws: RPCError.self) {
                try await config.call(ConfigAPI.getCompanySecrets, GetCompanySecretsRequest(companyID: benova), metadata: asBenova)
            }
            #expect(denied?.code == .permissionDenied)
            let asAgent = RPCClient(endpoints: [.unix(path: fixture.configSocket)], configuration: RPCClientConfiguration(callerName: "agent"))
            defer { asAgent.close() }
            let secrets = try await asAgent.call(ConfigAPI.getCompanySecrets, GetCompanySecretsRequest(companyID: benova), metadata: asBenova)
            #expect(secrets.chatwootAPIAccessToken == "tok-secret-123")
        }

        @Test func aProcess_HasOneSetOfEventLoops() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            let inspector = try #require(fixture.gateway.map { ProcessInspector(pid: $0.processIdentifier) })
            // The HTTP server, the Wire server and the clients share the process's loops: one per core, at most 4.
            let loops = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount))
            let names = inspector.threadNames
            #expect(names.filter { $0.hasPrefix("shared-loop") }.count == loops, "\(names)")
            #expect(!names.contains { $0.hasPrefix("http-") || $0.hasPrefix("wire-") }, "\(names)")
            // One epoll set per loop, plus the one libdispatch keeps for itself.
            #expect(inspector.eventLoops <= loops + 1, "\(inspector.descriptors.filter { $0.contains("eventpoll") })")
        }
    }
}
