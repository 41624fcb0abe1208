import BlockingIO
import Foundation
import Glibc
import NetworkCore
import Synchronization
import Testing
import Wire
@testable import WireRPC

/// A request that acts on one company (tenant-scoped), for the tenancy check.
struct ScopedRequest: TenantScopedRequest, Codable, Sendable {
    var companyID: CompanyID
}

enum HardeningAPI {
    static let scoped = Method<ScopedRequest, EchoMessage>(service: "test", name: "scoped")
    static let whoami = Method<EchoMessage, EchoMessage>(service: "test", name: "whoami")
    static let block = Method<EchoMessage, EchoMessage>(service: "test", name: "block")
}

/// Polls `condition` every 5 ms until it holds (true) or `timeout` passes (false).
func eventually(timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}

@Suite(.serialized) struct RPCHardeningTests {
    @Test func aFrameThatNeverFinishesArriving_ClosesTheConnection_InTime() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address]) { $0.partialFrameTimeout = .milliseconds(300) }
        let fd = rawConnect(address)
        #expect(fd >= 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let frame = FrameCodec.encode(Frame(header: FrameHeader(kind: .request, streamID: 1, method: TestAPI.echo.fullName),
                                            payload: try BinaryEncoder().encode(EchoMessage(text: "never finished"))))
        _ = frame.prefix(10).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // Timed on the receiving thread itself: the await's resumption may wait for a busy cooperative pool
        // (other suites run side by side), which says nothing about when the server closed.
        let (received, waited) = await onThread { () -> (Int, Duration) in
            let start = ContinuousClock.now
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = recv(fd, &buffer, buffer.count, 0)
            return (count, ContinuousClock.now - start)
        }
        #expect(received == 0, "the server should close the connection")
        #expect(waited < .seconds(4))
        close(fd)
        // Complete frames, however they are split, are served.
        let client = RPCClient(endpoints: [address])
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "whole")).text == "whole")
        await server.shutdownGracefully()
    }

    @Test func aClientThatDoesNotReadItsAnswers_IsNotReadFromEither() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address]) {
            $0.channelOptions = ChannelOptions(writeBufferHighWaterMark: 256 << 10, writeBufferLowWaterMark: 64 << 10,
                                               maximumPendingWriteBytes: 64 << 20)
        }
        let fd = rawConnect(address)
        #expect(fd >= 0)
        defer { close(fd) }
        // 400 echo requests of 128 KiB (50 MiB) sent without reading a single answer, without blocking.
        let payload = try BinaryEncoder().encode(EchoMessage(text: String(repeating: "p", count: 128 << 10)))
        var accepted = 0
        var requests = 0
        outer: for streamID in stride(from: UInt32(1), to: 800, by: 2) {
            let frame = FrameCodec.encode(Frame(header: FrameHeader(kind: .request, streamID: streamID, method: TestAPI.echo.fullName),
                                                payload: payload))
            var offset = 0
            while offset < frame.count {
                let sent = frame[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
                if sent <= 0 {
                    // The server stopped reading: wait a moment for it, then give up on this request.
                    let more = await eventually(timeout: .milliseconds(300)) {
                        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        return poll(&descriptor, 1, 0) == 1
                    }
                    if !more { break outer }
                    continue
                }
                offset += sent
                accepted += sent
            }
            requests += 1
        }
        // Far less than the 50 MiB was taken in: the server pushed back instead of buffering it all.
        #expect(requests < 400 && accepted < 40 << 20, "\(requests) requests, \(accepted) bytes accepted")
        // The connection is alive: reading now gets answers, and the other clients were never affected.
        let answered = await onThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var answered = 0
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while answered < 128 << 10 {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                answered += count
            }
            return answered
        }
        #expect(answered >= 128 << 10)
        let other = RPCClient(endpoints: [address])
        #expect(try await other.call(TestAPI.echo, EchoMessage(text: "fine")).text == "fine")
        await server.shutdownGracefully()
    }

    @Test func callsWaitingForAConnection_HonourDeadlines_Cancellation_AndClose() async throws {
        // A TCP listener that accepts and never answers: a TLS client stays in its handshake.
        let group = try EventLoopGroup(loopCount: 1, name: "silent")
        defer { group.shutdown() }
        final class Silent: ChannelHandler {
            func channelActive(_ channel: Channel) {}
            func channelRead(_ channel: Channel, buffer: inout InboundBuffer) { buffer.consume(buffer.readableBytes) }
            func channelInactive(_ channel: Channel, error: (any Error)?) {}
        }
        let listener = try await Listener.bind(to: .tcp(host: "127.0.0.1", port: 0), group: group) { _ in Silent() }
        defer { listener.close() }
        let certificates = try TestCertificates()
        defer { certificates.directory.cleanup() }
        let tls = try TLSContext(configuration: .client(trustRootsPath: certificates.file("ca.pem"), serverName: "localhost"), isServer: false)
        let client = RPCClient(endpoints: [listener.address], configuration: RPCClientConfiguration(
            tls: tls, connectTimeout: .seconds(8), callerName: "t", serviceCredential: testCredential))
        let connecting = Task { try await client.call(TestAPI.echo, EchoMessage(text: "a"), timeout: .seconds(30)) }
        let subchannel = try #require(client.subchannels.first)
        #expect(await eventually { subchannel.waitingCalls == 0 })
        // A waiter with a short deadline gets deadlineExceeded at its own deadline.
        let start = ContinuousClock.now
        let short = await #expect(throws: RPCError.self) {
            try await client.call(TestAPI.echo, EchoMessage(text: "b"), timeout: .milliseconds(200))
        }
        #expect(short?.code == .deadlineExceeded)
        #expect(ContinuousClock.now - start < .seconds(5))
        // A waiter whose task is cancelled gets cancelled.
        let cancelled = Task { try await client.call(TestAPI.echo, EchoMessage(text: "c"), timeout: .seconds(30)) }
        #expect(await eventually { subchannel.waitingCalls == 1 })
        cancelled.cancel()
        let cancellation = await #expect(throws: RPCError.self) { try await cancelled.value }
        #expect(cancellation?.code == .cancelled)
        // Closing the client answers every waiter.
        #expect(await eventually { subchannel.waitingCalls == 0 })
        let waiting = Task { try await client.call(TestAPI.echo, EchoMessage(text: "d"), timeout: .seconds(30)) }
        #expect(await eventually { subchannel.waitingCalls == 1 })
        let closedAt = ContinuousClock.now
        client.close()
        let closed = await #expect(throws: RPCError.self) { try await waiting.value }
        #expect(closed?.code == .unavailable)
        #expect(ContinuousClock.now - closedAt < .seconds(5))
        // The call that started the connect ends with its connect timeout, not never.
        await #expect(throws: RPCError.self) { try await connecting.value }
    }

    @Test func runningOutOfStreamIDs_MovesToANewConnection() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address])
        var configuration = RPCClientConfiguration()
        configuration.firstStreamID = UInt32.max - 8
        let client = RPCClient(endpoints: [address], configuration: configuration)
        // Four stream ids per connection: ten calls use three connections, the first two retired.
        for index in 0..<10 {
            #expect(try await client.call(TestAPI.echo, EchoMessage(text: "\(index)")).text == "\(index)")
        }
        // A retired connection closes once its last call is answered; the third stays in use.
        #expect(await eventually { server.connections.withLock { $0.count } == 1 })
        await server.shutdownGracefully()
    }

    @Test func aTenantScopedCall_MustNameTheSameCompanyInItsMetadata() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let ran = Atomic<Int>(0)
        var router = makeRouter()
        router.register(HardeningAPI.scoped, execution: .eventLoop) { request, _ in
            ran.add(1, ordering: .relaxed)
            return EchoMessage(text: request.companyID.rawValue)
        }
        let server = try await startServer([address], router: router)
        let client = RPCClient(endpoints: [address])
        let benova = ScopedRequest(companyID: CompanyID("benova")!)
        var asBenova = Metadata()
        asBenova.tenant = "benova"
        var asMedispa = Metadata()
        asMedispa.tenant = "medispa"
        #expect(try await client.call(HardeningAPI.scoped, benova, metadata: asBenova).text == "benova")
        for metadata in [asMedispa, Metadata()] {
            let refused = await #expect(throws: RPCError.self) { try await client.call(HardeningAPI.scoped, benova, metadata: metadata) }
            #expect(refused?.code == .permissionDenied)
        }
        #expect(ran.load(ordering: .relaxed) == 1)
        await server.shutdownGracefully()
    }

    @Test func tcpCallers_Authenticate_AndHandlersKnowWhoCalls() async throws {
        var router = makeRouter()
        router.register(HardeningAPI.whoami, execution: .eventLoop) { _, context in EchoMessage(text: "\(context.caller)") }
        // A TCP listener without any caller authentication refuses to start.
        let open = RPCServer(configuration: RPCServerConfiguration(addresses: [.tcp(host: "127.0.0.1", port: 0)]), router: router,
                             logger: quietLogger)
        await #expect(throws: NetworkError.self) { try await open.start() }

        let server = try await startServer([.tcp(host: "127.0.0.1", port: 0)], router: router) { $0.serviceCredential = testCredential }
        let address = try #require(server.boundAddresses.first)
        let gateway = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(callerName: "gateway", serviceCredential: testCredential))
        #expect(try await gateway.call(HardeningAPI.whoami, EchoMessage(text: "")).text == "gateway (serviceCredential)")
        for configuration in [RPCClientConfiguration(callerName: "gateway"),
                              RPCClientConfiguration(callerName: "gateway", serviceCredential: ServiceCredential(secret: "some-other-secret-0123456789abcdefgh"))] {
            let stranger = RPCClient(endpoints: [address], configuration: configuration)
            let refused = await #expect(throws: RPCError.self) { try await stranger.call(StandardMethods.health, HealthCheckRequest()) }
            #expect(refused?.code == .unauthenticated)
        }
        // A token made for one name cannot be used under another.
        var forged = Metadata()
        forged.caller = "agent"
        forged[ServiceCredential.metadataKey] = try #require(testCredential).token(for: "gateway")
        let plain = RPCClient(endpoints: [address])
        let mismatch = await #expect(throws: RPCError.self) { try await plain.call(HardeningAPI.whoami, EchoMessage(text: ""), metadata: forged) }
        #expect(mismatch?.code == .unauthenticated)
        await server.shutdownGracefully()

        // On a Unix socket the peer is this user: its name is the one it gives.
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let local = try await startServer([directory.socket()], router: router)
        let agent = RPCClient(endpoints: [directory.socket()], configuration: RPCClientConfiguration(callerName: "agent"))
        #expect(try await agent.call(HardeningAPI.whoami, EchoMessage(text: "")).text == "agent (localSocket)")
        await local.shutdownGracefully()
    }

    @Test func blockingHandlers_RunOnTheirPool_AndNeverStallTheLoop() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let pool = BlockingIOPool(name: "blocking-test", threads: 1)
        defer { pool.shutdown() }
        var router = makeRouter()
        let started = Atomic<Bool>(false)
        router.register(HardeningAPI.block, execution: .blocking(pool)) { request, _ in
            started.store(true, ordering: .relaxed)
            usleep(800_000)  // a blocking C call, as SQLite or OCR would make
            return EchoMessage(text: ThreadName.current)
        }
        let server = try await startServer([address], router: router)
        let client = RPCClient(endpoints: [address])
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "warm")).text == "warm")
        let blocked = Task { try await client.call(HardeningAPI.block, EchoMessage(text: "")) }
        #expect(await eventually { started.load(ordering: .relaxed) })
        // While the pool thread is blocked, calls handled on the event loop (same connection) are answered.
        let start = ContinuousClock.now
        for index in 0..<20 { #expect(try await client.call(TestAPI.echo, EchoMessage(text: "\(index)")).text == "\(index)") }
        #expect(ContinuousClock.now - start < .milliseconds(600))
        #expect(try await blocked.value.text == "blocking-test-0")
        await server.shutdownGracefully()
    }
}
