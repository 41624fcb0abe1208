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

    @Test func oversizedFrame_ClosesOnlyThatConnection() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let server = try await startServer([address]) { $0.maximumFrameSize = 1_024 }
        let good = RPCClient(endpoints: [address])
        #expect(try await good.call(TestAPI.echo, EchoMessage(text: "a")).text == "a")
        let big = RPCClient(endpoints: [address])
        await #expect(throws: RPCError.self) {
            try await big.call(TestAPI.echo, EchoMessage(text: String(repeating: "z", count: 4_096)))
        }
        #expect(try await good.call(TestAPI.echo, EchoMessage(text: "b")).text == "b")
        await server.shutdownGracefully()
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
        try await Task.sleep(for: .milliseconds(600))  // several ping rounds, all answered
        #expect(server.connections.withLock { $0.count } == 1)
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "2")).text == "2")

        // A peer that never answers pings is disconnected.
        let silent = rawConnect(address)
        try await Task.sleep(for: .milliseconds(700))
        var buffer = [UInt8](repeating: 0, count: 4_096)
        var sawClose = false
        for _ in 0..<40 where !sawClose {
            let result = recv(silent, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if result == 0 { sawClose = true } else if result < 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(sawClose)
        close(silent)
        await server.shutdownGracefully()
    }
}
