import CLinux
import Glibc
import Synchronization

/// A connected stream socket (TCP or Unix, optionally TLS) owned by one ``EventLoop``.
///
/// Unlike SwiftNIO's `Channel` there is no pipeline: one ``ChannelHandler`` receives the events, and a
/// write sends at once. Reads happen on the loop thread. Writes may come from any thread: a writer that
/// finds the socket idle sends directly from its own thread (no loop hop, no copy); concurrent writers
/// append to a pending buffer that the active writer, or the loop on the next writable edge, drains.
/// TLS connections serialize all `SSL` calls under the channel's lock.
///
/// Output is bounded: above ``ChannelOptions/writeBufferHighWaterMark`` the channel is not writable
/// (producers can ``waitUntilWritable(deadline:)``), and beyond ``ChannelOptions/maximumPendingWriteBytes``
/// a write closes it. The paths live in extensions by concern: reading, writing, TLS, closing.
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
        var lingerAfterFlush: Duration?
        var flushScheduled = false
        var aboveHighWater = false
        var writabilityWaiters: [UInt64: CheckedContinuation<WritabilityWait, Never>] = [:]
        var nextWaiterID: UInt64 = 0
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
    /// The channel's limits.
    public let options: ChannelOptions
    /// Whether the connection is TLS.
    public let isTLS: Bool
    /// Whether the connection is a Unix-domain socket.
    public let isUnixSocket: Bool
    let descriptor: Int32
    let writer: LockedState<WriteState>

    // Loop-thread state: touched only on the owning loop's thread, never re-entrantly across an access,
    // so the dynamic exclusivity checks are skipped.
    @exclusivity(unchecked) var phase: Phase
    @exclusivity(unchecked) var registrationID: UInt64 = 0
    @exclusivity(unchecked) var handler: (any ChannelHandler)?
    @exclusivity(unchecked) var inbound = InboundBuffer()
    @exclusivity(unchecked) var connectContinuation: CheckedContinuation<Void, any Error>?
    @exclusivity(unchecked) var inputEnded = false
    @exclusivity(unchecked) var connectTimer: ScheduledTask?
    @exclusivity(unchecked) var lingering = false
    @exclusivity(unchecked) var readingPaused = false
    @exclusivity(unchecked) var lingerTimer: ScheduledTask?
    /// The verified client certificate's common name (TLS servers requiring client certificates), set
    /// before ``ChannelHandler/channelActive(_:)``; read on the loop thread.
    @exclusivity(unchecked) public internal(set) var peerCertificateName: String?

    init(descriptor: Int32, eventLoop: EventLoop, tls: TLSSession?, phase: Phase, peer: String, isUnixSocket: Bool,
         options: ChannelOptions) {
        self.descriptor = descriptor
        self.eventLoop = eventLoop
        self.isTLS = tls != nil
        self.isUnixSocket = isUnixSocket
        self.phase = phase
        self.peerDescription = peer
        self.options = options
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

    // MARK: Public state

    /// Whether the channel has not been closed yet.
    public var isOpen: Bool { writer.withLock { !$0.closed } }

    /// Whether output is below the high-water mark (writes are accepted either way, up to the maximum).
    public var isWritable: Bool { writer.withLock { !$0.aboveHighWater && !$0.closed } }

    /// Bytes written but not yet sent.
    public var pendingWriteBytes: Int { writer.withLock { $0.pendingCount } }

    /// Stops reading from the socket (the kernel's buffers then push back on the peer) until
    /// ``resumeReading()``. For a protocol whose peer sends requests but does not read the answers. Safe
    /// from any thread.
    public func pauseReading() {
        onLoop { [self] in readingPaused = true }
    }

    /// Reads again after ``pauseReading()``, starting with whatever arrived meanwhile. Safe from any thread.
    public func resumeReading() {
        onLoop { [self] in
            guard readingPaused else { return }
            readingPaused = false
            guard phase == .active else { return }
            // Read to the end: a hang-up that came while paused announced itself with an edge already spent.
            if isTLS { driveTLS() } else if !inputEnded { readPlain(toEnd: true) }
        }
    }

    /// Runs `body` on the loop thread: now if already there, else soon.
    func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }

    /// Hands the bytes already received but not consumed to the handler again (loop thread only), e.g.
    /// after a protocol finished a response and can look at the next pipelined request.
    public func redeliverBufferedInput() {
        guard phase == .active, !lingering, inbound.readableBytes > 0 else { return }
        handler?.channelRead(self, buffer: &inbound)
    }

    // MARK: Connecting

    /// Connects to `address`, performs the TLS handshake when `tls` is given, and returns the active channel.
    public static func connect(
        to address: SocketAddress, tls: TLSContext? = nil, on eventLoop: EventLoop, timeout: Duration = .seconds(5),
        options: ChannelOptions = ChannelOptions(), handler: any ChannelHandler & Sendable
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
                var host: String?
                if case .tcp(let name, _) = address { host = name }
                session = try tls?.makeSession(fd: started.fd, peerHost: host)
            } catch {
                Glibc.close(started.fd)
                throw error
            }
            let channel = Channel(descriptor: started.fd, eventLoop: eventLoop, tls: session, phase: .connecting,
                                  peer: address.description, isUnixSocket: !address.isTCP, options: options)
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

    func connectCompleted() {
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

    /// Registers an accepted socket with the loop and starts it (loop thread): the handler hears
    /// `channelRegistered`, then, after the TLS handshake (bounded by the handshake timeout), `channelActive`.
    func startAccepted(handler: any ChannelHandler) {
        self.handler = handler
        do {
            registrationID = try eventLoop.register(self, fd: descriptor)
        } catch {
            closeNow(error: error)
            return
        }
        handler.channelRegistered(self)
        guard phase != .closed else { return }
        if isTLS {
            phase = .handshaking
            connectTimer = eventLoop.schedule(after: options.handshakeTimeout) { [self] in
                if phase == .handshaking { closeNow(error: NetworkError.handshakeTimeout) }
            }
            driveTLS()
        } else {
            activate()
        }
    }

    func activate() {
        phase = .active
        connectTimer?.cancel()
        connectTimer = nil
        if let continuation = connectContinuation {
            connectContinuation = nil
            continuation.resume()
        }
        handler?.channelActive(self)
    }
}
