import NetworkCore
import Wire

/// One client connection: multiplexes concurrent calls by stream id over a channel.
final class ClientConnection: ChannelHandler, @unchecked Sendable {
    private struct PendingCall {
        var continuation: CheckedContinuation<Result<[UInt8], CallFailure>, Never>
        var timer: ScheduledTask?
    }

    private struct State {
        var pending: [UInt32: PendingCall] = [:]
        var nextStreamID: UInt32 = 1
        var closed = false
        var goawayLastStreamID: UInt32?
        var cancelledEarly: Set<UInt32> = []
    }

    private let state = LockedState(State())
    private let reader: FrameReader
    private let onUnusable: @Sendable (ClientConnection) -> Void
    let peer: String
    private(set) var channel: Channel?

    init(peer: String, maximumFrameSize: Int, onUnusable: @escaping @Sendable (ClientConnection) -> Void) {
        self.peer = peer
        self.reader = FrameReader(maximumFrameSize: maximumFrameSize)
        self.onUnusable = onUnusable
    }

    func attach(_ channel: Channel) { self.channel = channel }

    /// Whether new calls may start on this connection.
    var isUsable: Bool {
        state.withLock { !$0.closed && $0.goawayLastStreamID == nil }
    }

    // MARK: Calls

    /// Sends one request and waits for its response, its deadline, or cancellation.
    func call(
        method: String, payload: [UInt8], metadata: Metadata, deadline: UInt64?
    ) async -> Result<[UInt8], CallFailure> {
        guard let channel else { return .failure(CallFailure(error: RPCError(.unavailable, "not connected"), retriable: true)) }
        let streamID: UInt32 = state.withLock { state in
            let id = state.nextStreamID
            state.nextStreamID &+= 2
            if state.nextStreamID == 0 || state.nextStreamID > UInt32.max - 2 { state.closed = true }
            return id
        }
        if Task.isCancelled { return .failure(CallFailure(error: RPCError(.cancelled, "the call was cancelled"), retriable: false)) }
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
                var timeoutMicroseconds: UInt64?
                if let deadline {
                    let now = MonotonicTime.now()
                    timeoutMicroseconds = deadline > now ? (deadline - now) / 1_000 : 0
                    let timer = channel.eventLoop.schedule(atNanoseconds: deadline) { [self] in
                        fail(streamID, CallFailure(error: RPCError(.deadlineExceeded, "deadline exceeded"), retriable: false),
                             sendCancel: true)
                    }
                    state.withLock { $0.pending[streamID]?.timer = timer }
                }
                var frame: [UInt8] = []
                frame.reserveCapacity(payload.count + method.utf8.count + 64)
                FrameCodec.encode(
                    FrameHeader(kind: .request, streamID: streamID, method: method,
                                timeoutMicroseconds: timeoutMicroseconds, metadata: metadata),
                    payload: payload, into: &frame)
                if !channel.write(frame) {
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
        guard let call = state.withLock({ $0.pending.removeValue(forKey: streamID) }) else { return }
        call.timer?.cancel()
        call.continuation.resume(returning: .failure(failure))
        if sendCancel, let channel {
            channel.write(FrameCodec.encode(Frame(header: FrameHeader(kind: .cancel, streamID: streamID))))
        }
    }

    private func complete(_ streamID: UInt32, _ result: Result<[UInt8], CallFailure>) {
        guard let call = state.withLock({ $0.pending.removeValue(forKey: streamID) }) else { return }
        call.timer?.cancel()
        call.continuation.resume(returning: result)
    }

    /// Closes the connection; pending calls fail with `unavailable`.
    func close() { channel?.close() }

    // MARK: ChannelHandler

    func channelActive(_ channel: Channel) {}

    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) {
        do {
            try reader.readFrames(from: &buffer) { header, payload in handle(header, payload, channel) }
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
            call.continuation.resume(returning: .failure(CallFailure(error: RPCError(.unavailable, reason), retriable: false)))
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
            let idle = state.withLock { $0.pending.isEmpty }
            if idle { channel.close() }
        case .pong, .request, .cancel:
            break
        }
        if header.kind == .response || header.kind == .error {
            let closeNow = state.withLock { $0.goawayLastStreamID != nil && $0.pending.isEmpty }
            if closeNow { channel.close() }
        }
    }
}
