import NetworkCore
import Wire

/// One client connection: multiplexes concurrent calls by stream id over a channel.
///
/// A request frame larger than the maximum fails its call at once (`resourceExhausted`, nothing sent);
/// a response frame larger than the maximum fails its call and is skipped as it arrives. When the stream
/// ids run out the connection takes no new calls (the subchannel opens a new one) and closes after its
/// last answer. Calls wait, within their deadline, while the connection's output is above its high-water mark.
final class ClientConnection: ChannelHandler, @unchecked Sendable {
    private struct PendingCall {
        var continuation: CheckedContinuation<Result<[UInt8], CallFailure>, Never>
        var timer: ScheduledTask?
    }

    private struct State {
        var pending: [UInt32: PendingCall] = [:]
        var nextStreamID: UInt32
        var closed = false
        /// The stream ids are used up: no new calls; the channel closes when the last call ends.
        var exhausted = false
        var goawayLastStreamID: UInt32?
        var cancelledEarly: Set<UInt32> = []
    }

    private let state: LockedState<State>
    // Loop-thread state (only the channel's loop reads frames).
    private var reader: FrameReader
    private let maximumFrameSize: Int
    private let onUnusable: @Sendable (ClientConnection) -> Void
    let peer: String
    private(set) var channel: Channel?

    init(peer: String, maximumFrameSize: Int, firstStreamID: UInt32 = 1,
         onUnusable: @escaping @Sendable (ClientConnection) -> Void) {
        self.peer = peer
        self.maximumFrameSize = maximumFrameSize
        self.reader = FrameReader(maximumFrameSize: maximumFrameSize)
        self.state = LockedState(State(nextStreamID: firstStreamID | 1))
        self.onUnusable = onUnusable
    }

    func attach(_ channel: Channel) { self.channel = channel }

    /// Whether new calls may start on this connection.
    var isUsable: Bool {
        state.withLock { !$0.closed && !$0.exhausted && $0.goawayLastStreamID == nil }
    }

    // MARK: Calls

    private static func failure(_ code: StatusCode, _ message: String, retriable: Bool = false) -> Result<[UInt8], CallFailure> {
        .failure(CallFailure(error: RPCError(code, message), retriable: retriable))
    }

    /// Sends one request and waits for its response, its deadline, or cancellation.
    func call(
        method: String, payload: [UInt8], metadata: Metadata, deadline: UInt64?
    ) async -> Result<[UInt8], CallFailure> {
        guard let channel else { return Self.failure(.unavailable, "not connected", retriable: true) }
        let allocated: (id: UInt32, lastID: Bool)? = state.withLock { state in
            guard !state.exhausted && !state.closed else { return nil }
            let id = state.nextStreamID
            if id >= UInt32.max - 2 { state.exhausted = true }
            state.nextStreamID = id &+ 2
            return (id, state.exhausted)
        }
        guard let (streamID, lastID) = allocated else {
            return Self.failure(.unavailable, "connection to \(peer) has no stream ids left", retriable: true)
        }
        if lastID { onUnusable(self) }
        if Task.isCancelled { return Self.failure(.cancelled, "the call was cancelled") }
        var timeoutMicroseconds: UInt64?
        if let deadline {
            let now = MonotonicTime.now()
            timeoutMicroseconds = deadline > now ? (deadline - now) / 1_000 : 0
        }
        var frame: [UInt8] = []
        frame.reserveCapacity(payload.count + method.utf8.count + 64)
        FrameCodec.encode(
            FrameHeader(kind: .request, streamID: streamID, method: method, timeoutMicroseconds: timeoutMicroseconds,
                        metadata: metadata),
            payload: payload, into: &frame)
        guard frame.count <= maximumFrameSize else {
            return Self.failure(.resourceExhausted, "the request frame of \(frame.count) bytes exceeds the maximum of \(maximumFrameSize)")
        }
        if !channel.isWritable {
            switch await channel.waitUntilWritable(deadline: deadline) {
            case .writable: break
            case .closed: return Self.failure(.unavailable, "connection to \(peer) closed", retriable: true)
            case .timedOut: return Self.failure(.deadlineExceeded, "deadline exceeded while the connection was busy")
            case .cancelled: return Self.failure(.cancelled, "the call was cancelled")
            }
        }
        let request = frame
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<[UInt8], CallFailure>, Never>) in
                let refusal = state.withLock { state -> CallFailure? in
                    if state.cancelledEarly.remove(streamID) != nil {
                        return CallFailure(error: RPCError(.cancelled, "the call was cancelled"), retriable: false)
                    }
                    if state.closed || state.goawayLastStreamID != nil {
                        return CallFailure(error: RPCError(.unavailable, "connection to \(peer) is closing"), retriable: true)
                    }
                    state.pending[streamID] = PendingCall(continuation: continuation)
                    return nil
                }
                if let refusal {
                    continuation.resume(returning: .failure(refusal))
                    return
                }
                if let deadline {
                    let timer = channel.eventLoop.schedule(atNanoseconds: deadline) { [self] in
                        fail(streamID, CallFailure(error: RPCError(.deadlineExceeded, "deadline exceeded"), retriable: false),
                             sendCancel: true)
                    }
                    state.withLock { $0.pending[streamID]?.timer = timer }
                }
                if !channel.write(request) {
                    fail(streamID, CallFailure(error: RPCError(.unavailable, "connection to \(peer) closed"), retriable: true),
                         sendCancel: false)
                }
            }
        } onCancel: {
            let found = state.withLock { state -> Bool in
                if state.pending[streamID] != nil { return true }
                if state.cancelledEarly.count > 1_024 { state.cancelledEarly.removeAll() }
                state.cancelledEarly.insert(streamID)
                return false
            }
            if found {
                fail(streamID, CallFailure(error: RPCError(.cancelled, "the call was cancelled"), retriable: false),
                     sendCancel: true)
            }
        }
    }

    private func fail(_ streamID: UInt32, _ failure: CallFailure, sendCancel: Bool) {
        let (call, retired) = removePending(streamID)
        guard let call else { return }
        call.timer?.cancel()
        call.continuation.resume(returning: .failure(failure))
        if sendCancel, let channel {
            channel.write(FrameCodec.encode(Frame(header: FrameHeader(kind: .cancel, streamID: streamID))))
        }
        if retired { channel?.close() }
    }

    private func complete(_ streamID: UInt32, _ result: Result<[UInt8], CallFailure>) {
        let (call, retired) = removePending(streamID)
        guard let call else { return }
        call.timer?.cancel()
        call.continuation.resume(returning: result)
        if retired { channel?.close() }
    }

    /// Takes a pending call out, and tells in the same critical section whether that leaves a connection
    /// which takes no new calls (stream ids exhausted, or goaway) with nothing in flight: it is then closed.
    private func removePending(_ streamID: UInt32) -> (PendingCall?, retired: Bool) {
        state.withLock { state in
            let call = state.pending.removeValue(forKey: streamID)
            return (call, Self.isRetired(state))
        }
    }

    private static func isRetired(_ state: State) -> Bool {
        (state.exhausted || state.goawayLastStreamID != nil) && state.pending.isEmpty && !state.closed
    }

    /// Closes a connection that takes no new calls once its last call ended.
    private func closeIfRetired() {
        if state.withLock({ Self.isRetired($0) }) { channel?.close() }
    }

    /// Closes the connection; pending calls fail with `unavailable`.
    func close() { channel?.close() }

    // MARK: ChannelHandler

    func channelActive(_ channel: Channel) {}

    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) {
        do {
            try reader.readFrames(from: &buffer, { header, payload in handle(header, payload, channel) }, onOversized: { frame in
                guard frame.kind == .response || frame.kind == .error else { return }
                complete(frame.streamID, Self.failure(
                    .resourceExhausted, "the response frame of \(frame.length) bytes exceeds the maximum of \(maximumFrameSize)"))
            })
        } catch {
            channel.close()
        }
    }

    func channelInactive(_ channel: Channel, error: (any Error)?) {
        let abandoned = state.withLock { state -> [PendingCall] in
            state.closed = true
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        let reason = error.map { "connection to \(peer) lost: \($0)" } ?? "connection to \(peer) closed"
        for call in abandoned {
            call.timer?.cancel()
            call.continuation.resume(returning: .failure(CallFailure(error: RPCError(.unavailable, reason), retriable: false,
                                                                     connectionLost: true)))
        }
        onUnusable(self)
    }

    private func handle(_ header: FrameHeader, _ payload: UnsafeRawBufferPointer, _ channel: Channel) {
        switch header.kind {
        case .response:
            complete(header.streamID, .success(Array(payload)))
        case .error:
            let error = RPCError(header.status ?? .unknown, header.message ?? "", metadata: header.metadata)
            complete(header.streamID, .failure(CallFailure(error: error, retriable: false)))
        case .ping:
            channel.write(FrameCodec.encode(Frame(header: FrameHeader(kind: .pong, streamID: header.streamID),
                                                  payload: Array(payload))))
        case .goaway:
            let last = header.lastStreamID ?? 0
            let refused = state.withLock { state -> [UInt32] in
                state.goawayLastStreamID = last
                return state.pending.keys.filter { $0 > last }
            }
            for streamID in refused {
                complete(streamID, .failure(CallFailure(
                    error: RPCError(.unavailable, "server at \(peer) is shutting down"), retriable: true)))
            }
            onUnusable(self)
            closeIfRetired()
        case .pong, .request, .cancel:
            break
        }
    }
}
