import CLinux
import Glibc
import Synchronization

/// A connected stream socket (TCP or Unix, optionally TLS) owned by one ``EventLoop``.
///
/// Reads happen on the loop thread and are handed to the channel's ``ChannelHandler``. Writes may come
/// from any thread: a writer that finds the socket idle sends directly from its own thread (no loop hop,
/// no copy); concurrent writers append to a pending buffer that the active writer, or the loop on the
/// next writable edge, drains. TLS connections serialize all `SSL` calls under the channel's lock.
public final class Channel: Selectable, @unchecked Sendable {
    enum Phase { case connecting, handshaking, active, closed }

    struct WriteState {
        var pending: [UInt8] = []
        var pendingOffset = 0
        var flushing = false
        var writableEdgeSeen = false
        var waitingForWritable = false
        var tlsWriteWantsRead = false
        var closed = false
        var descriptorClosed = false
        var closeWhenFlushed = false
        var flushScheduled = false
        var tls: TLSSession?

        var pendingCount: Int { pending.count - pendingOffset }

        mutating func appendPending(_ bytes: UnsafeRawBufferPointer) {
            if pendingOffset > 0 && pendingOffset >= pending.count / 2 {
                pending.removeFirst(pendingOffset)
                pendingOffset = 0
            }
            pending.append(contentsOf: bytes)
        }

        mutating func takePending() -> [UInt8] {
            var taken: [UInt8] = []
            swap(&taken, &pending)
            if pendingOffset > 0 { taken.removeFirst(pendingOffset) }
            pendingOffset = 0
            return taken
        }

        mutating func prependPending(_ bytes: ArraySlice<UInt8>) {
            if pendingCount == 0 {
                pending = Array(bytes)
                pendingOffset = 0
            } else {
                pending = Array(bytes) + pending[pendingOffset...]
                pendingOffset = 0
            }
        }
    }

    /// The loop that owns this channel.
    public let eventLoop: EventLoop
    /// A description of the peer for logs (`unix:/path` or `tcp://host:port`).
    public let peerDescription: String
    let descriptor: Int32
    private let writer: LockedState<WriteState>
    private let isTLS: Bool

    // Loop-thread state: touched only on the owning loop's thread, never re-entrantly across an access,
    // so the dynamic exclusivity checks are skipped.
    @exclusivity(unchecked) private var phase: Phase
    @exclusivity(unchecked) private var registrationID: UInt64 = 0
    @exclusivity(unchecked) private var handler: (any ChannelHandler)?
    @exclusivity(unchecked) private var inbound = InboundBuffer()
    @exclusivity(unchecked) private var connectContinuation: CheckedContinuation<Void, any Error>?
    @exclusivity(unchecked) private var inputEnded = false
    @exclusivity(unchecked) private var connectTimer: ScheduledTask?

    init(descriptor: Int32, eventLoop: EventLoop, tls: TLSSession?, phase: Phase, peer: String) {
        self.descriptor = descriptor
        self.eventLoop = eventLoop
        self.isTLS = tls != nil
        self.phase = phase
        self.peerDescription = peer
        var state = WriteState()
        state.tls = tls
        self.writer = LockedState(state)
    }

    deinit {
        let needsClose = writer.withLock { state -> Bool in
            defer { state.descriptorClosed = true }
            return !state.descriptorClosed
        }
        if needsClose { Glibc.close(descriptor) }
    }

    // MARK: Public API

    /// Whether the channel has not been closed yet.
    public var isOpen: Bool { writer.withLock { !$0.closed } }

    /// Queues `bytes` for sending; returns false if the channel is closed. Safe from any thread.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Queues `bytes` for sending; returns false if the channel is closed. Safe from any thread.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return isOpen }
        if eventLoop.inEventLoop { return writeDeferred(bytes) }
        if isTLS { return writeTLS(bytes) }
        enum Action { case closed, queued, send }
        let action = writer.withLock { state -> Action in
            if state.closed || state.closeWhenFlushed { return .closed }
            if state.flushing || state.waitingForWritable || state.pendingCount > 0 {
                state.appendPending(bytes)
                return .queued
            }
            state.flushing = true
            return .send
        }
        switch action {
        case .closed: return false
        case .queued: return true
        case .send:
            switch sendAll(bytes) {
            case .complete:
                break
            case .blocked(let sent):
                let remainder = Array(bytes[sent...])
                writer.withLock { $0.prependPending(remainder[...]) }
            case .failed(let error):
                writer.withLock { $0.flushing = false }
                failFromAnyThread(error)
                return false
            }
            continueFlushing()
            return true
        }
    }

    /// Closes the channel; pending writes are discarded. Safe from any thread.
    public func close() {
        eventLoop.execute { [self] in closeNow(error: nil) }
    }

    /// Closes the channel once everything written so far has been sent. Safe from any thread.
    public func closeAfterFlush() {
        let closeNow = writer.withLock { state -> Bool in
            state.closeWhenFlushed = true
            return state.pendingCount == 0 && !state.flushing
        }
        if closeNow { close() }
    }

    /// Hands the bytes already received but not consumed to the handler again (loop thread only), e.g.
    /// after a protocol finished a response and can look at the next pipelined request.
    public func redeliverBufferedInput() {
        guard phase == .active, inbound.readableBytes > 0 else { return }
        handler?.channelRead(self, buffer: &inbound)
    }

    // MARK: Connecting

    /// Connects to `address`, performs the TLS handshake when `tls` is given, and returns the active channel.
    public static func connect(
        to address: SocketAddress, tls: TLSContext? = nil, on eventLoop: EventLoop, timeout: Duration = .seconds(5),
        handler: any ChannelHandler & Sendable
    ) async throws(NetworkError) -> Channel {
        let candidates = try address.resolve()
        var lastError = NetworkError.invalidAddress(address.description)
        for candidate in candidates {
            let started: (fd: Int32, connected: Bool)
            do {
                started = try Socket.startConnect(to: candidate)
            } catch {
                lastError = error
                continue
            }
            let session: TLSSession?
            do {
                session = try tls?.makeSession(fd: started.fd)
            } catch {
                Glibc.close(started.fd)
                throw error
            }
            let channel = Channel(descriptor: started.fd, eventLoop: eventLoop, tls: session, phase: .connecting,
                                  peer: address.description)
            do {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    eventLoop.execute {
                        channel.startConnecting(handler: handler, continuation: continuation, timeout: timeout,
                                                alreadyConnected: started.connected)
                    }
                }
                return channel
            } catch let error as NetworkError {
                lastError = error
            } catch {
                lastError = .tls("\(error)")
            }
        }
        throw lastError
    }

    private func startConnecting(
        handler: any ChannelHandler, continuation: CheckedContinuation<Void, any Error>, timeout: Duration,
        alreadyConnected: Bool
    ) {
        self.handler = handler
        self.connectContinuation = continuation
        do {
            registrationID = try eventLoop.register(self, fd: descriptor)
        } catch {
            closeNow(error: error)
            return
        }
        connectTimer = eventLoop.schedule(after: timeout) { [self] in
            if phase == .connecting || phase == .handshaking { closeNow(error: NetworkError.connectTimeout) }
        }
        if alreadyConnected { connectCompleted() }
    }

    private func connectCompleted() {
        let error = Socket.pendingError(descriptor)
        guard error == 0 else {
            closeNow(error: NetworkError.io(IOError("connect", code: error, detail: peerDescription)))
            return
        }
        if isTLS {
            phase = .handshaking
            driveTLS()
        } else {
            activate()
        }
    }

    // MARK: Accepted channels

    /// Registers an accepted socket with the loop and starts it (loop thread).
    func startAccepted(handler: any ChannelHandler) {
        self.handler = handler
        do {
            registrationID = try eventLoop.register(self, fd: descriptor)
        } catch {
            closeNow(error: error)
            return
        }
        if isTLS {
            phase = .handshaking
            driveTLS()
        } else {
            activate()
        }
    }

    private func activate() {
        phase = .active
        connectTimer?.cancel()
        connectTimer = nil
        if let continuation = connectContinuation {
            connectContinuation = nil
            continuation.resume()
        }
        handler?.channelActive(self)
    }

    // MARK: Events (loop thread)

    func handleEvents(_ events: UInt32) {
        switch phase {
        case .closed:
            return
        case .connecting:
            if events & (CLinux_EPOLLOUT | CLinux_EPOLLERR | CLinux_EPOLLHUP) != 0 { connectCompleted() }
            return
        case .handshaking, .active:
            break
        }
        if isTLS {
            driveTLS()
            return
        }
        if events & (CLinux_EPOLLIN | CLinux_EPOLLRDHUP | CLinux_EPOLLHUP | CLinux_EPOLLERR) != 0 {
            if inputEnded {
                if events & (CLinux_EPOLLHUP | CLinux_EPOLLERR) != 0 { closeNow(error: nil) }
            } else {
                // When the peer has closed its side, read to the end: the FIN came with this edge and no
                // further edge will announce it.
                readPlain(toEnd: events & (CLinux_EPOLLRDHUP | CLinux_EPOLLHUP | CLinux_EPOLLERR) != 0)
            }
        }
        if phase == .active && events & CLinux_EPOLLOUT != 0 { writableEdge() }
    }

    private func readPlain(toEnd: Bool = false) {
        var received = 0
        var endOfStream = false
        var failure: IOError?
        var drained = false
        for _ in 0..<64 {
            var space = 0
            let count = inbound.writeWithUnsafeMutableBytes(minimumSpace: 16 * 1024) { raw in
                space = raw.count
                return Glibc.read(descriptor, raw.baseAddress, raw.count)
            }
            if count > 0 {
                received += count
                if count < space && !toEnd {
                    drained = true
                    break
                }
                continue
            }
            drained = true
            if count == 0 {
                endOfStream = true
                break
            }
            let code = errno
            if code == EINTR {
                drained = false
                continue
            }
            if code != EAGAIN && code != EWOULDBLOCK { failure = IOError("read", code: code) }
            break
        }
        if received > 0 { handler?.channelRead(self, buffer: &inbound) }
        if let failure {
            closeNow(error: NetworkError.io(failure))
        } else if endOfStream {
            if phase == .active && !inputEnded {
                inputEnded = true
                if handler?.channelInputEnded(self) == true { return }
            }
            closeNow(error: nil)
        } else if !drained {
            // Edge-triggered: no new event comes for data already waiting, so come back for it
            // after the other channels of this loop had their turn.
            eventLoop.execute { [self] in if phase == .active && !inputEnded { readPlain(toEnd: toEnd) } }
        }
    }

    private func writableEdge() {
        let flush = writer.withLock { state -> Bool in
            if state.flushing {
                state.writableEdgeSeen = true
                return false
            }
            guard state.waitingForWritable || state.pendingCount > 0 else { return false }
            state.waitingForWritable = false
            state.flushing = true
            return true
        }
        if flush { continueFlushing() }
    }

    // MARK: Plain writes

    private enum SendResult {
        case complete
        case blocked(sent: Int)
        case failed(IOError)
    }

    private func sendAll(_ bytes: UnsafeRawBufferPointer) -> SendResult {
        guard let base = bytes.baseAddress else { return .complete }
        var offset = 0
        while offset < bytes.count {
            let sent = Glibc.send(descriptor, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent > 0 {
                offset += sent
                continue
            }
            let code = errno
            if sent < 0 && code == EINTR { continue }
            if sent < 0 && (code == EAGAIN || code == EWOULDBLOCK) { return .blocked(sent: offset) }
            return .failed(IOError("send", code: code))
        }
        return .complete
    }

    /// Drains the pending buffer. Called only by the thread that holds the `flushing` role.
    private func continueFlushing() {
        while true {
            enum Next { case send([UInt8]), stop, closeDescriptor, closeChannel }
            let next = writer.withLock { state -> Next in
                if state.closed {
                    state.flushing = false
                    if !state.descriptorClosed {
                        state.descriptorClosed = true
                        return .closeDescriptor
                    }
                    return .stop
                }
                if state.pendingCount == 0 {
                    state.flushing = false
                    return state.closeWhenFlushed ? .closeChannel : .stop
                }
                return .send(state.takePending())
            }
            switch next {
            case .stop: return
            case .closeDescriptor:
                Glibc.close(descriptor)
                return
            case .closeChannel:
                close()
                return
            case .send(let chunk):
                let result = chunk.withUnsafeBytes { sendAll($0) }
                switch result {
                case .complete:
                    continue
                case .failed(let error):
                    writer.withLock { $0.flushing = false }
                    failFromAnyThread(error)
                    return
                case .blocked(let sent):
                    let retry = writer.withLock { state -> Bool in
                        state.prependPending(chunk[sent...])
                        if state.writableEdgeSeen {
                            state.writableEdgeSeen = false
                            return true
                        }
                        state.waitingForWritable = true
                        state.flushing = false
                        return false
                    }
                    if !retry { return }
                }
            }
        }
    }

    /// On the loop thread: queue the bytes and send everything queued once, at the end of the iteration.
    private func writeDeferred(_ bytes: UnsafeRawBufferPointer) -> Bool {
        enum Action { case closed, queued, schedule }
        let action = writer.withLock { state -> Action in
            if state.closed || state.closeWhenFlushed { return .closed }
            state.appendPending(bytes)
            if state.flushScheduled { return .queued }
            state.flushScheduled = true
            return .schedule
        }
        switch action {
        case .closed: return false
        case .queued: return true
        case .schedule:
            eventLoop.deferFlush(self)
            return true
        }
    }

    /// Sends what ``writeDeferred(_:)`` queued (loop thread, end of iteration).
    func flushDeferred() {
        if isTLS {
            let failure = writer.withLock { state -> String? in
                state.flushScheduled = false
                guard !state.closed, let tls = state.tls, tls.handshakeComplete,
                      !state.waitingForWritable, !state.tlsWriteWantsRead else { return nil }
                return Self.flushTLS(&state)
            }
            if let failure { closeNow(error: failure.isEmpty ? nil : NetworkError.tls(failure)) }
            return
        }
        let flush = writer.withLock { state -> Bool in
            state.flushScheduled = false
            guard !state.closed, !state.flushing, !state.waitingForWritable, state.pendingCount > 0 else { return false }
            state.flushing = true
            return true
        }
        if flush { continueFlushing() }
    }

    private func failFromAnyThread(_ error: IOError) {
        eventLoop.execute { [self] in closeNow(error: NetworkError.io(error)) }
    }

    // MARK: TLS

    private func writeTLS(_ bytes: UnsafeRawBufferPointer) -> Bool {
        enum Outcome { case ok, closed, failed(String), closeChannel }
        let outcome = writer.withLock { state -> Outcome in
            if state.closed || state.closeWhenFlushed { return .closed }
            state.appendPending(bytes)
            guard let tls = state.tls, tls.handshakeComplete else { return .ok }
            if state.waitingForWritable || state.tlsWriteWantsRead { return .ok }
            switch Self.flushTLS(&state) {
            case .none: return .ok
            case .some(let message): return message.isEmpty ? .closeChannel : .failed(message)
            }
        }
        switch outcome {
        case .ok: return true
        case .closed: return false
        case .closeChannel:
            close()
            return true
        case .failed(let message):
            eventLoop.execute { [self] in closeNow(error: NetworkError.tls(message)) }
            return false
        }
    }

    /// Writes pending plaintext through TLS. Returns nil to continue, "" to close after a completed
    /// close-after-flush, or an error message.
    private static func flushTLS(_ state: inout WriteState) -> String? {
        guard let tls = state.tls else { return nil }
        state.waitingForWritable = false
        state.tlsWriteWantsRead = false
        while state.pendingCount > 0 {
            let progress = state.pending.withUnsafeBytes { raw in
                tls.write(UnsafeRawBufferPointer(rebasing: raw[state.pendingOffset...]))
            }
            switch progress {
            case .done(let count):
                state.pendingOffset += count
                if state.pendingOffset == state.pending.count {
                    state.pending.removeAll(keepingCapacity: true)
                    state.pendingOffset = 0
                }
            case .wantWrite:
                state.waitingForWritable = true
                return nil
            case .wantRead:
                state.tlsWriteWantsRead = true
                return nil
            case .closed:
                return "peer closed the TLS session"
            case .failed(let message):
                return message
            }
        }
        return state.closeWhenFlushed ? "" : nil
    }

    /// Advances the handshake, reads everything available and flushes pending writes (loop thread).
    private func driveTLS() {
        enum Result { case none, activated, failed(String), closedByPeer, closeChannel }
        var received = false
        var drained = false
        let result = writer.withLock { state -> Result in
            guard let tls = state.tls, !state.closed else { return .none }
            var activated = false
            if !tls.handshakeComplete {
                switch tls.handshake() {
                case .done: activated = true
                case .wantRead, .wantWrite: return .none
                case .closed: return .closedByPeer
                case .failed(let message): return .failed("handshake failed: \(message)")
                }
            }
            readLoop: for _ in 0..<64 {
                var progress = TLSSession.Progress.wantRead
                _ = inbound.writeWithUnsafeMutableBytes(minimumSpace: 16 * 1024) { raw in
                    progress = tls.read(into: raw)
                    if case .done(let count) = progress { return count }
                    return 0
                }
                switch progress {
                case .done: received = true
                case .wantRead, .wantWrite:
                    drained = true
                    break readLoop
                case .closed: return .closedByPeer
                case .failed(let message): return .failed(message)
                }
            }
            if state.pendingCount > 0 || state.closeWhenFlushed {
                if let message = Self.flushTLS(&state) { return message.isEmpty ? .closeChannel : .failed(message) }
            }
            return activated ? .activated : .none
        }
        if case .activated = result { activate() }
        if received { handler?.channelRead(self, buffer: &inbound) }
        switch result {
        case .failed(let message): closeNow(error: NetworkError.tls(message))
        case .closedByPeer: closeNow(error: nil)
        case .closeChannel: closeNow(error: nil)
        case .none, .activated:
            // Records may still wait in the socket or inside OpenSSL; no new edge will announce them.
            if !drained && phase == .active { eventLoop.execute { [self] in if phase == .active { driveTLS() } } }
        }
    }

    // MARK: Closing (loop thread)

    func closeNow(error: (any Error)?) {
        guard phase != .closed else { return }
        let wasConnecting = phase == .connecting || phase == .handshaking
        phase = .closed
        connectTimer?.cancel()
        connectTimer = nil
        if registrationID != 0 { eventLoop.deregister(id: registrationID, fd: descriptor) }
        let closeDescriptor = writer.withLock { state -> Bool in
            state.closed = true
            state.pending = []
            state.pendingOffset = 0
            if let tls = state.tls, tls.handshakeComplete, error == nil { tls.shutdown() }
            if state.flushing || state.descriptorClosed { return false }
            state.descriptorClosed = true
            return true
        }
        if closeDescriptor { Glibc.close(descriptor) }
        if let continuation = connectContinuation {
            connectContinuation = nil
            continuation.resume(throwing: error ?? NetworkError.closed)
        }
        let handler = self.handler
        self.handler = nil
        if !wasConnecting || handler != nil { handler?.channelInactive(self, error: error) }
    }
}
