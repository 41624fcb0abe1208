import NetworkCore
import ServiceLogging
import Synchronization
import Wire

/// One accepted connection of an ``RPCServer``: decodes frames, establishes who calls, and runs calls
/// where their method says (``HandlerExecution``).
final class ServerConnection: ChannelHandler, @unchecked Sendable {
    private struct Call {
        var task: Task<Void, Never>?
        var timer: ScheduledTask?
        var deadline: UInt64?
        /// For the server's metrics: the method, the call's company, when it arrived.
        var method = ""
        var company: String?
        var started: UInt64 = 0
    }

    private unowned let server: RPCServer
    private let channel: Channel
    private let calls = LockedState<[UInt32: Call]>([:])
    // Loop-thread state (only the connection's loop touches it).
    private var reader: FrameReader
    private var lastActivity = MonotonicTime.now()
    private var pingOutstandingSince: UInt64?
    private var keepaliveTimer: ScheduledTask?
    private var highestStreamID: UInt32 = 0
    private var partialSince: UInt64?
    private var partialTimer: ScheduledTask?
    /// The last caller name and token verified on this connection (so a steady caller costs one HMAC).
    private var verifiedCaller: (name: String, token: String)?
    /// Keepalive pings the peer answered (for health and tests).
    let pongsReceived = Atomic<Int>(0)

    init(server: RPCServer, channel: Channel) {
        self.server = server
        self.channel = channel
        self.reader = FrameReader(maximumFrameSize: server.configuration.maximumFrameSize)
    }

    // MARK: ChannelHandler

    func channelActive(_ channel: Channel) {
        scheduleKeepalive()
        if server.draining.load(ordering: .relaxed) { sendGoaway() }
    }

    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) {
        lastActivity = MonotonicTime.now()
        pingOutstandingSince = nil
        let before = buffer.readableBytes
        var completed = false
        do {
            try reader.readFrames(from: &buffer, { header, payload in
                completed = true
                handle(header, payload)
            }, onOversized: { frame in
                completed = true
                oversized(frame)
            })
        } catch {
            server.logger.warning("protocol violation from \(channel.peerDescription): \(error); closing connection")
            channel.close()
            return
        }
        trackPartialFrame(holding: buffer.readableBytes > 0 || !reader.isIdle, progressed: completed || buffer.readableBytes < before)
    }

    func channelInactive(_ channel: Channel, error: (any Error)?) {
        keepaliveTimer?.cancel()
        partialTimer?.cancel()
        let abandoned = calls.withLock { calls in defer { calls = [:] }; return calls }
        for call in abandoned.values {
            call.timer?.cancel()
            call.task?.cancel()
        }
        if let error { server.logger.debug("connection from \(channel.peerDescription) closed: \(error)") }
        server.connectionClosed(self)
    }

    // MARK: Partial frames

    /// Bounds how long a frame may take to arrive: a connection that holds an unfinished frame for longer
    /// than the partial-frame timeout is closed (slow senders would otherwise pin buffers forever).
    private func trackPartialFrame(holding: Bool, progressed: Bool) {
        guard holding else {
            partialSince = nil
            return
        }
        if partialSince == nil || progressed && reader.isIdle { partialSince = MonotonicTime.now() }
        guard partialTimer == nil, let since = partialSince else { return }
        schedulePartialCheck(at: since &+ MonotonicTime.nanoseconds(server.configuration.partialFrameTimeout))
    }

    private func schedulePartialCheck(at deadline: UInt64) {
        partialTimer = channel.eventLoop.schedule(atNanoseconds: deadline) { [weak self] in self?.partialCheck() }
    }

    private func partialCheck() {
        partialTimer = nil
        guard let since = partialSince else { return }
        let deadline = since &+ MonotonicTime.nanoseconds(server.configuration.partialFrameTimeout)
        if MonotonicTime.now() >= deadline {
            server.logger.warning("a frame from \(channel.peerDescription) did not finish arriving in time; closing")
            channel.close()
        } else {
            schedulePartialCheck(at: deadline)
        }
    }

    // MARK: Frames

    private func handle(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer) {
        switch header.kind {
        case .request:
            handleRequest(header, Array(payload))
        case .cancel:
            if let call = calls.withLock({ $0.removeValue(forKey: header.streamID) }) {
                call.timer?.cancel()
                call.task?.cancel()
            }
        case .ping:
            send(FrameHeader(kind: .pong, streamID: header.streamID), payload: Array(payload))
        case .pong:
            pingOutstandingSince = nil
            pongsReceived.add(1, ordering: .relaxed)
        case .goaway:
            channel.closeAfterFlush()
        case .response, .error:
            server.logger.warning("unexpected \(header.kind) frame from client \(channel.peerDescription); closing")
            channel.close()
        }
    }

    private func oversized(_ frame: FrameReader.OversizedFrame) {
        guard frame.kind == .request else { return }
        highestStreamID = max(highestStreamID, frame.streamID)
        sendError(frame.streamID, RPCError(
            .resourceExhausted,
            "the request frame of \(frame.length) bytes exceeds the server's maximum of \(server.configuration.maximumFrameSize)"))
    }

    /// Who is calling, or nil when a TCP caller fails to authenticate.
    private func identify(_ metadata: Metadata) -> CallerIdentity? {
        if channel.isUnixSocket { return CallerIdentity(name: metadata.caller, proof: .localSocket) }
        if let name = channel.peerCertificateName { return CallerIdentity(name: name, proof: .clientCertificate) }
        if let credential = server.configuration.serviceCredential {
            guard let caller = metadata.caller, let token = metadata[ServiceCredential.metadataKey] else { return nil }
            if let verified = verifiedCaller, verified.name == caller, verified.token == token {
                return CallerIdentity(name: caller, proof: .serviceCredential)
            }
            guard credential.verify(token: token, caller: caller) else { return nil }
            verifiedCaller = (caller, token)
            return CallerIdentity(name: caller, proof: .serviceCredential)
        }
        return server.configuration.allowUnauthenticatedTCP ? CallerIdentity(name: metadata.caller, proof: .none) : nil
    }

    private func handleRequest(_ header: FrameHeader, _ payload: [UInt8]) {
        let streamID = header.streamID
        highestStreamID = max(highestStreamID, streamID)
        guard let method = header.method else {
            sendError(streamID, RPCError(.internal, "request frame without a method"))
            return
        }
        guard let caller = identify(header.metadata) else {
            sendError(streamID, RPCError(.unauthenticated, "this listener needs the service credential or a client certificate"))
            return
        }
        if server.draining.load(ordering: .relaxed) {
            sendError(streamID, RPCError(.unavailable, "server is shutting down"))
            return
        }
        guard let entry = server.router.entry(for: method) else {
            sendError(streamID, RPCError(.unimplemented, "method '\(method)' is not implemented"))
            return
        }
        let (duplicate, running) = calls.withLock { ($0[streamID] != nil, $0.count) }
        if duplicate {
            server.logger.warning("duplicate stream id \(streamID) from \(channel.peerDescription); closing")
            channel.close()
            return
        }
        guard running < server.configuration.maximumConcurrentCallsPerConnection else {
            sendError(streamID, RPCError(.resourceExhausted, "this connection is at its limit of concurrent calls"))
            return
        }
        guard server.callStarted() else {
            sendError(streamID, RPCError(.resourceExhausted, "server is at its limit of concurrent calls"))
            return
        }
        let now = MonotonicTime.now()
        let deadline = header.timeoutMicroseconds.map { now &+ min($0, UInt64.max / 2_000) &* 1_000 }
        let parts = method.split(separator: "/", maxSplits: 1)
        let descriptor = MethodDescriptor(service: String(parts.first ?? ""), name: String(parts.count > 1 ? parts[1] : ""))
        let logger = server.logger.with(company: header.metadata.tenant, requestID: header.metadata.requestID)
        let context = RPCContext(method: descriptor, metadata: header.metadata, deadlineNanoseconds: deadline,
                                 logger: logger, peer: channel.peerDescription, caller: caller)
        calls.withLock { $0[streamID] = Call(deadline: deadline, method: method, company: header.metadata.tenant, started: now) }
        if let deadline {
            let timer = channel.eventLoop.schedule(atNanoseconds: deadline) { [self] in expire(streamID) }
            calls.withLock { $0[streamID]?.timer = timer }
        }
        let handler = entry.handler
        let requestID = header.metadata.requestID, company = header.metadata.tenant
        let operation: @Sendable () async -> Void = { [self] in
            // Every line logged and every call made while answering names this request (and its company).
            let result = await LogContext.with(requestID: requestID, company: company) { await handler(payload, context) }
            await finish(streamID, result)
        }
        let task: Task<Void, Never>
        switch entry.execution {
        case .eventLoop: task = Task(executorPreference: channel.eventLoop, operation: operation)
        case .cooperative: task = Task(executorPreference: globalConcurrentExecutor, operation: operation)
        case .blocking(let pool): task = Task(executorPreference: pool, operation: operation)
        }
        calls.withLock { $0[streamID]?.task = task }
    }

    private func finish(_ streamID: UInt32, _ result: Result<[UInt8], RPCError>) async {
        // Count the call as finished only once its answer is queued: a graceful shutdown waiting for the
        // last call must not close the connection before the answer is on its way.
        defer { server.callFinished() }
        guard let call = calls.withLock({ $0.removeValue(forKey: streamID) }) else { return }
        call.timer?.cancel()
        let code: String = switch result {
        case .success: "ok"
        case .failure(let error): error.code.name
        }
        server.metrics.record(method: call.method, company: call.company, code: code,
                              seconds: Double(MonotonicTime.now() &- call.started) / 1e9)
        var frame: [UInt8] = []
        switch result {
        case .success(let response):
            frame.reserveCapacity(response.count + 32)
            FrameCodec.encode(FrameHeader(kind: .response, streamID: streamID), payload: response, into: &frame)
            if frame.count > server.configuration.maximumFrameSize {
                server.logger.warning("a response of \(frame.count) bytes to stream \(streamID) exceeds the maximum frame size")
                frame = Self.errorFrame(streamID, RPCError(
                    .resourceExhausted, "the response of \(frame.count) bytes exceeds the maximum frame size of \(server.configuration.maximumFrameSize)"))
            }
        case .failure(let error):
            frame = Self.errorFrame(streamID, error)
        }
        // Backpressure: a client that does not read its answers stops being read from (the kernel's
        // buffers then push back on it) and its calls wait here, within their deadline; the channel's hard
        // limit closes it if it never reads.
        if !channel.isWritable {
            channel.pauseReading()
            let limit = call.deadline ?? MonotonicTime.now() &+ MonotonicTime.nanoseconds(.seconds(30))
            let outcome = await channel.waitUntilWritable(deadline: limit)
            // Resume whatever happened: a pause can never outlive the wait that asked for it (another
            // waiting answer pauses again if the output is still high).
            channel.resumeReading()
            guard outcome == .writable else { return }
        }
        channel.write(frame)
    }

    private func expire(_ streamID: UInt32) {
        guard let call = calls.withLock({ $0.removeValue(forKey: streamID) }) else { return }
        call.task?.cancel()
        sendError(streamID, RPCError(.deadlineExceeded, "deadline exceeded"))
    }

    // MARK: Writing

    private func send(_ header: FrameHeader, payload: [UInt8]) {
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + 32)
        FrameCodec.encode(header, payload: payload, into: &frame)
        channel.write(frame)
    }

    private static func errorFrame(_ streamID: UInt32, _ error: RPCError) -> [UInt8] {
        var frame: [UInt8] = []
        FrameCodec.encode(FrameHeader(kind: .error, streamID: streamID, metadata: error.metadata, status: error.code,
                                      message: error.message), payload: [], into: &frame)
        return frame
    }

    private func sendError(_ streamID: UInt32, _ error: RPCError) {
        channel.write(Self.errorFrame(streamID, error))
    }

    /// Tells the client that no call above the last one seen will be served.
    func sendGoaway() {
        channel.eventLoop.execute { [self] in
            send(FrameHeader(kind: .goaway, streamID: 0, message: "server shutting down",
                             lastStreamID: highestStreamID), payload: [])
        }
    }

    /// Closes the connection once everything already written has been sent.
    func closeConnection() { channel.closeAfterFlush() }

    // MARK: Keepalive

    private func scheduleKeepalive() {
        let interval = server.configuration.keepaliveInterval
        keepaliveTimer = channel.eventLoop.schedule(after: interval) { [weak self] in self?.keepaliveTick() }
    }

    private func keepaliveTick() {
        guard channel.isOpen else { return }
        let now = MonotonicTime.now()
        if let since = pingOutstandingSince {
            if now - since >= MonotonicTime.nanoseconds(server.configuration.keepaliveTimeout) {
                server.logger.info("keepalive ping to \(channel.peerDescription) unanswered; closing")
                channel.close()
                return
            }
        } else if now - lastActivity >= MonotonicTime.nanoseconds(server.configuration.keepaliveInterval) {
            pingOutstandingSince = now
            var data: [UInt8] = []
            withUnsafeBytes(of: now.bigEndian) { data.append(contentsOf: $0) }
            send(FrameHeader(kind: .ping, streamID: 0), payload: data)
        }
        let next = min(server.configuration.keepaliveInterval, server.configuration.keepaliveTimeout)
        keepaliveTimer = channel.eventLoop.schedule(after: next) { [weak self] in self?.keepaliveTick() }
    }
}
