import NetworkCore
import ServiceLogging
import Wire

/// One accepted connection of an ``RPCServer``: decodes frames and runs calls.
final class ServerConnection: ChannelHandler, @unchecked Sendable {
    private struct Call {
        var task: Task<Void, Never>?
        var timer: ScheduledTask?
    }

    private unowned let server: RPCServer
    private let channel: Channel
    private let reader: FrameReader
    private let calls = LockedState<[UInt32: Call]>([:])
    // Loop-thread state.
    private var lastActivity = MonotonicTime.now()
    private var pingOutstandingSince: UInt64?
    private var keepaliveTimer: ScheduledTask?
    private var highestStreamID: UInt32 = 0

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
        do {
            try reader.readFrames(from: &buffer) { header, payload in handle(header, payload) }
        } catch {
            server.logger.warning("protocol violation from \(channel.peerDescription): \(error); closing connection")
            channel.close()
        }
    }

    func channelInactive(_ channel: Channel, error: (any Error)?) {
        keepaliveTimer?.cancel()
        let abandoned = calls.withLock { calls in defer { calls = [:] }; return calls }
        for call in abandoned.values {
            call.timer?.cancel()
            call.task?.cancel()
        }
        if let error { server.logger.debug("connection from \(channel.peerDescription) closed: \(error)") }
        server.connectionClosed(self)
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
        case .goaway:
            channel.closeAfterFlush()
        case .response, .error:
            server.logger.warning("unexpected \(header.kind) frame from client \(channel.peerDescription); closing")
            channel.close()
        }
    }

    private func handleRequest(_ header: FrameHeader, _ payload: [UInt8]) {
        let streamID = header.streamID
        highestStreamID = max(highestStreamID, streamID)
        guard let method = header.method else {
            sendError(streamID, RPCError(.internal, "request frame without a method"))
            return
        }
        if server.draining.load(ordering: .relaxed) {
            sendError(streamID, RPCError(.unavailable, "server is shutting down"))
            return
        }
        guard let handler = server.router.handler(for: method) else {
            sendError(streamID, RPCError(.unimplemented, "method '\(method)' is not implemented"))
            return
        }
        let duplicate = calls.withLock { $0[streamID] != nil }
        if duplicate {
            server.logger.warning("duplicate stream id \(streamID) from \(channel.peerDescription); closing")
            channel.close()
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
                                 logger: logger, peer: channel.peerDescription)
        calls.withLock { $0[streamID] = Call() }
        if let deadline {
            let timer = channel.eventLoop.schedule(atNanoseconds: deadline) { [self] in expire(streamID) }
            calls.withLock { $0[streamID]?.timer = timer }
        }
        let operation: @Sendable () async -> Void = { [self] in
            let result = await handler(payload, context)
            finish(streamID, result)
        }
        let task: Task<Void, Never>
        switch server.configuration.handlerExecution {
        case .eventLoop: task = Task(executorPreference: channel.eventLoop, operation: operation)
        case .globalExecutor: task = Task(operation: operation)
        }
        calls.withLock { $0[streamID]?.task = task }
    }

    private func finish(_ streamID: UInt32, _ result: Result<[UInt8], RPCError>) {
        // Count the call as finished only once its answer is queued: a graceful shutdown waiting for the
        // last call must not close the connection before the answer is on its way.
        defer { server.callFinished() }
        guard let call = calls.withLock({ $0.removeValue(forKey: streamID) }) else { return }
        call.timer?.cancel()
        switch result {
        case .success(let response): send(FrameHeader(kind: .response, streamID: streamID), payload: response)
        case .failure(let error): sendError(streamID, error)
        }
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

    private func sendError(_ streamID: UInt32, _ error: RPCError) {
        send(FrameHeader(kind: .error, streamID: streamID, metadata: error.metadata, status: error.code,
                         message: error.message), payload: [])
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
