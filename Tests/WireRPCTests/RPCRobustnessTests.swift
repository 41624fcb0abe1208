import Foundation
import NetworkCore
import Testing
import Wire
@testable import WireRPC

@Suite(.serialized) struct RPCRobustnessTests {
    @Test func garbageAndTruncatedFrames_DoNotCrashTheServer_OrDisturbOtherClients() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address])
        let client = RPCClient(endpoints: [address])
        let wellBehaved = Task {
            var answered = 0
            for index in 0..<300 {
                let reply = try await client.call(TestAPI.echo, EchoMessage(text: "ok\(index)"))
                if reply.text == "ok\(index)" { answered += 1 }
            }
            return answered
        }
        var generator = SystemRandomNumberGenerator()
        let valid = FrameCodec.encode(Frame(
            header: FrameHeader(kind: .request, streamID: 1, method: TestAPI.echo.fullName),
            payload: try BinaryEncoder().encode(EchoMessage(text: "hi"))))
        for round in 0..<200 {
            let fd = rawConnect(address)
            #expect(fd >= 0)
            var bytes: [UInt8]
            switch round % 4 {
            case 0: bytes = (0..<Int.random(in: 1...512, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1: bytes = Array(valid.prefix(Int.random(in: 1..<valid.count, using: &generator)))  // truncated
            case 2:
                bytes = valid
                bytes[Int.random(in: 4..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            default: bytes = [0xFF, 0xFF, 0xFF, 0xFF] + valid  // absurd length prefix
            }
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(fd)
        }
        #expect(try await wellBehaved.value == 300)
        #expect(try await client.call(StandardMethods.health, HealthCheckRequest()).status == .serving)
        await server.shutdownGracefully()
    }

    @Test func oversizedFrames_FailOnlyTheirCall_OnEitherSide() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address]) { $0.maximumFrameSize = 1_024 }
        // The client's own limit is larger: the server refuses the request, per call.
        let client = RPCClient(endpoints: [address])
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "a")).text == "a")
        let tooBig = await #expect(throws: RPCError.self) {
            try await client.call(TestAPI.echo, EchoMessage(text: String(repeating: "z", count: 4_096)))
        }
        #expect(tooBig?.code == .resourceExhausted)
        // The same connection and its other calls go on.
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "b")).text == "b")
        #expect(server.connections.withLock { $0.count } == 1)
        // A client whose limit is smaller refuses to send the request at all, and a response larger than
        // its limit fails that call only.
        let small = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(maximumFrameSize: 512))
        let unsent = await #expect(throws: RPCError.self) {
            try await small.call(TestAPI.echo, EchoMessage(text: String(repeating: "y", count: 600)))
        }
        #expect(unsent?.code == .resourceExhausted)
        #expect(try await small.call(TestAPI.echo, EchoMessage(text: "c")).text == "c")
        await server.shutdownGracefully()

        // A server whose answer would exceed its own maximum sends resourceExhausted instead.
        let bigServer = try await startServer([address]) { $0.maximumFrameSize = 900 }
        let reader = RPCClient(endpoints: [address])
        let unanswered = await #expect(throws: RPCError.self) {
            try await reader.call(TestAPI.inflate, SleepRequest(milliseconds: 100, tag: "0123456789"))
        }
        #expect(unanswered?.code == .resourceExhausted)
        #expect(try await reader.call(TestAPI.echo, EchoMessage(text: "d")).text == "d")
        await bigServer.shutdownGracefully()
    }

    @Test func keepalive_PingsIdleConnections_AndClientAnswers() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address]) {
            $0.keepaliveInterval = .milliseconds(50)
            $0.keepaliveTimeout = .milliseconds(200)
        }
        let client = RPCClient(endpoints: [address])
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "1")).text == "1")
        // Several ping rounds, all answered by the client: the connection stays.
        #expect(await eventually { server.connections.withLock { $0.values.first?.pongsReceived.load(ordering: .relaxed) ?? 0 } >= 3 })
        #expect(server.connections.withLock { $0.count } == 1)
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "2")).text == "2")

        // A peer that never answers pings is disconnected.
        let silent = rawConnect(address)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let sawClose = await eventually {
            // Drain the pings; a read of 0 bytes is the server closing.
            while true {
                let result = recv(silent, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if result == 0 { return true }
                if result < 0 { return false }
            }
        }
        #expect(sawClose)
        close(silent)
        await server.shutdownGracefully()
    }
}
