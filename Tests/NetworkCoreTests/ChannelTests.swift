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

/// Remembers the server side of each accepted connection and what happened to it.
private final class Recorder: ChannelHandler, @unchecked Sendable {
    let channel = Mutex<Channel?>(nil)
    let registered = Atomic<Int>(0)
    let activated = Atomic<Int>(0)
    let received = Atomic<Int>(0)
    let closeError = Mutex<String?>(nil)
    let closed = Atomic<Bool>(false)
    /// What to do with the first bytes received.
    let onFirstRead: (@Sendable (Channel) -> Void)?

    init(onFirstRead: (@Sendable (Channel) -> Void)? = nil) { self.onFirstRead = onFirstRead }

    func channelRegistered(_ channel: Channel) { registered.add(1, ordering: .relaxed) }
    func channelActive(_ channel: Channel) {
        self.channel.withLock { $0 = channel }
        activated.add(1, ordering: .relaxed)
    }
    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) {
        let first = received.add(buffer.readableBytes, ordering: .relaxed).oldValue == 0
        buffer.consume(buffer.readableBytes)
        if first { onFirstRead?(channel) }
    }
    func channelInactive(_ channel: Channel, error: (any Error)?) {
        closeError.withLock { $0 = error.map { "\($0)" } }
        closed.store(true, ordering: .relaxed)
    }
}

@Suite(.serialized) struct ChannelTests {
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
        #expect(await eventually(timeout: .seconds(20)) { collector.received.withLock { $0.count } >= expected })
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
        #expect(await eventually { collector.closed.load(ordering: .relaxed) })
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

    @Test func output_ForAPeerThatDoesNotRead_IsBounded() async throws {
        let group = try EventLoopGroup(loopCount: 1, name: "channel-test")
        defer { group.shutdown() }
        let recorder = Recorder()
        let options = ChannelOptions(writeBufferHighWaterMark: 64 << 10, writeBufferLowWaterMark: 16 << 10,
                                     maximumPendingWriteBytes: 1 << 20)
        let listener = try await Listener.bind(to: .tcp(host: "127.0.0.1", port: 0), group: group,
                                               options: Listener.Options(channel: options)) { _ in recorder }
        defer { listener.close() }
        guard case .tcp(_, let port) = listener.address, let peer = RawSocket(port: port) else {
            Issue.record("cannot connect")
            return
        }
        #expect(await eventually { recorder.channel.withLock { $0 } != nil })
        let channel = try #require(recorder.channel.withLock { $0 })
        // The peer never reads: once the kernel's buffers are full, output accumulates in the channel.
        let chunk = [UInt8](repeating: 7, count: 32 << 10)
        var written = 0
        while channel.isWritable && written < 64 << 20 {
            #expect(channel.write(chunk))
            written += chunk.count
        }
        #expect(!channel.isWritable && channel.pendingWriteBytes > 64 << 10)
        // A producer that waits is told when its deadline passes.
        let wait = await channel.waitUntilWritable(deadline: MonotonicTime.now() &+ 100_000_000)
        #expect(wait == .timedOut)
        // Past the maximum the channel gives up on the peer instead of growing without end.
        while channel.write(chunk) { written += chunk.count }
        #expect(await eventually { recorder.closed.load(ordering: .relaxed) })
        #expect(recorder.closeError.withLock { $0 }?.contains("not reading") == true)
        #expect(written < (1 << 20) + (32 << 20))  // the kernel's buffers plus the channel's maximum
        _ = peer
    }

    @Test func waitingProducers_AreWokenWhenThePeerCatchesUp() async throws {
        let group = try EventLoopGroup(loopCount: 1, name: "channel-test")
        defer { group.shutdown() }
        let recorder = Recorder()
        let options = ChannelOptions(writeBufferHighWaterMark: 64 << 10, writeBufferLowWaterMark: 16 << 10,
                                     maximumPendingWriteBytes: 64 << 20)
        let listener = try await Listener.bind(to: .tcp(host: "127.0.0.1", port: 0), group: group,
                                               options: Listener.Options(channel: options)) { _ in recorder }
        defer { listener.close() }
        guard case .tcp(_, let port) = listener.address, let peer = RawSocket(port: port) else {
            Issue.record("cannot connect")
            return
        }
        #expect(await eventually { recorder.channel.withLock { $0 } != nil })
        let channel = try #require(recorder.channel.withLock { $0 })
        var written = 0
        while channel.isWritable {
            channel.write([UInt8](repeating: 1, count: 32 << 10))
            written += 32 << 10
        }
        let waiter = Task { await channel.waitUntilWritable(deadline: MonotonicTime.now() &+ 10_000_000_000) }
        // The peer reads everything: the channel drains below its low-water mark and the producer goes on.
        let total = written
        let received = await onThread { peer.receive(atLeast: total).bytes.count }
        #expect(received == written)
        #expect(await waiter.value == .writable)
        #expect(channel.isWritable)
    }

    @Test func lingeringClose_LetsThePeerReadTheAnswer_WhileItIsStillSending() async throws {
        let group = try EventLoopGroup(loopCount: 1, name: "channel-test")
        defer { group.shutdown() }
        let answer = Array("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
        let recorder = Recorder { channel in
            channel.write(answer)
            channel.closeAfterFlush(linger: .seconds(2))
        }
        let listener = try await Listener.bind(to: .tcp(host: "127.0.0.1", port: 0), group: group) { _ in recorder }
        defer { listener.close() }
        guard case .tcp(_, let port) = listener.address, let peer = RawSocket(port: port) else {
            Issue.record("cannot connect")
            return
        }
        // The peer sends far more than the server will ever read, and only then reads the answer.
        let outcome = await onThread { () -> (sent: Bool, read: [UInt8], reset: Bool, closed: Bool) in
            let sent = peer.send([UInt8](repeating: 0x41, count: 4 << 20))
            let read = peer.receive(atLeast: answer.count)
            // Then the server closes: the peer sees the end of the stream, not a reset.
            peer.shutdownWrite()
            return (sent, read.bytes, read.reset, peer.waitForClose())
        }
        #expect(outcome.sent && outcome.read == answer && !outcome.reset && outcome.closed)
        #expect(await eventually { recorder.closed.load(ordering: .relaxed) })
    }

    @Test func pausedReading_HoldsInputBack_UntilResumed() async throws {
        let group = try EventLoopGroup(loopCount: 1, name: "channel-test")
        defer { group.shutdown() }
        let recorder = Recorder { channel in channel.pauseReading() }
        let listener = try await Listener.bind(to: .tcp(host: "127.0.0.1", port: 0), group: group) { _ in recorder }
        defer { listener.close() }
        guard case .tcp(_, let port) = listener.address, let peer = RawSocket(port: port) else {
            Issue.record("cannot connect")
            return
        }
        #expect(peer.send([1]))
        #expect(await eventually { recorder.received.load(ordering: .relaxed) == 1 })
        #expect(peer.send([UInt8](repeating: 2, count: 1_000)))
        // The loop goes round (a timer fires) without delivering the held bytes.
        let ticked = Atomic<Bool>(false)
        recorder.channel.withLock { $0 }?.eventLoop.schedule(after: .milliseconds(50)) { ticked.store(true, ordering: .relaxed) }
        #expect(await eventually { ticked.load(ordering: .relaxed) })
        #expect(recorder.received.load(ordering: .relaxed) == 1)
        recorder.channel.withLock { $0 }?.resumeReading()
        #expect(await eventually { recorder.received.load(ordering: .relaxed) == 1_001 })
    }
}
