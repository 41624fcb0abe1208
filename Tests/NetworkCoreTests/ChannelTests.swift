import Foundation
import Synchronization
import Testing
@testable import NetworkCore

/// Echoes every byte back (server side).
private final class EchoHandler: ChannelHandler {
    func channelActive(_ channel: Channel) {}
    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) { channel.write(buffer.readAll()) }
    func channelInactive(_ channel: Channel, error: (any Error)?) {}
}

/// Collects what the peer sends (client side).
private final class CollectingHandler: ChannelHandler, @unchecked Sendable {
    let received = Mutex<[UInt8]>([])
    let closed = Atomic<Bool>(false)
    func channelActive(_ channel: Channel) {}
    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) {
        let bytes = buffer.readAll()
        received.withLock { $0.append(contentsOf: bytes) }
    }
    func channelInactive(_ channel: Channel, error: (any Error)?) { closed.store(true, ordering: .relaxed) }
}

@Suite struct ChannelTests {
    @Test(arguments: ["unix", "tcp"])
    func largeWrites_FromManyThreads_ArriveCompleteAndInOrderPerWriter(transport: String) async throws {
        let group = try EventLoopGroup(loopCount: 2, name: "channel-test")
        defer { group.shutdown() }
        let path = NSTemporaryDirectory() + "chan-\(UUID().uuidString.prefix(8)).sock"
        let address: SocketAddress = transport == "unix" ? .unix(path: path) : .tcp(host: "127.0.0.1", port: 0)
        let listener = try await Listener.bind(to: address, group: group) { _ in EchoHandler() }
        defer { listener.close() }
        let collector = CollectingHandler()
        let channel = try await Channel.connect(to: listener.address, on: group.next(), handler: collector)
        // 4 writers × 64 chunks × 32 KiB = 8 MiB through a socket buffer much smaller than that.
        let chunk = 32 * 1024
        await withTaskGroup(of: Void.self) { tasks in
            for writer in 0..<4 {
                tasks.addTask {
                    for sequence in 0..<64 {
                        var bytes = [UInt8](repeating: UInt8(writer), count: chunk)
                        bytes[0] = UInt8(sequence)
                        channel.write(bytes)
                    }
                }
            }
        }
        let expected = 4 * 64 * chunk
        let deadline = ContinuousClock.now + .seconds(20)
        while collector.received.withLock({ $0.count }) < expected && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let received = collector.received.withLock { $0 }
        #expect(received.count == expected)
        // Chunks are never interleaved, and each writer's chunks keep their order.
        var nextSequence = [Int](repeating: 0, count: 4)
        var offset = 0
        while offset + chunk <= received.count {
            let writer = Int(received[offset + 1])
            #expect(writer < 4 && received[offset..<offset + chunk].dropFirst().allSatisfy { Int($0) == writer })
            if writer < 4 {
                #expect(Int(received[offset]) == nextSequence[writer])
                nextSequence[writer] += 1
            }
            offset += chunk
        }
        channel.close()
        try await Task.sleep(for: .milliseconds(50))
        let closed = collector.closed.load(ordering: .relaxed)
        #expect(closed)
        #expect(!channel.isOpen)
        #expect(!channel.write([1]))
    }

    @Test func connect_ToNothing_FailsPromptly() async throws {
        let group = try EventLoopGroup(loopCount: 1, name: "channel-test")
        defer { group.shutdown() }
        let start = ContinuousClock.now
        await #expect(throws: NetworkError.self) {
            try await Channel.connect(to: .unix(path: "/nonexistent/none.sock"), on: group.next(), timeout: .seconds(30),
                                      handler: CollectingHandler())
        }
        await #expect(throws: NetworkError.self) {
            try await Channel.connect(to: .tcp(host: "127.0.0.1", port: 1), on: group.next(), timeout: .seconds(30),
                                      handler: CollectingHandler())
        }
        // Refused at once rather than waiting for the 30 s connect timeout (generous bound: CI runs suites in parallel).
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}
