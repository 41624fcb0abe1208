import NetworkCore
import Wire

/// The connection to one endpoint of a client: connects lazily, reconnects after failures with
/// jittered exponential backoff, and fails fast with `unavailable` while backing off.
///
/// Calls that arrive while a connection attempt is in progress wait for it, each within its own deadline
/// and cancellable; ``close()`` answers every waiter, and a connection that completes after a close is
/// closed at once instead of being handed out.
final class Subchannel: Sendable {
    private typealias Waiter = CheckedContinuation<Result<ClientConnection, CallFailure>, Never>

    private enum Phase {
        case idle
        /// `attempt` identifies the connection attempt, so a result that arrives after a close is ignored.
        case connecting(attempt: UInt64, waiters: [UInt64: Waiter])
        case ready(ClientConnection)
        case backingOff(until: UInt64, reason: String)
    }

    private struct State {
        var phase = Phase.idle
        var backoff: Duration
        var nextID: UInt64 = 0

        mutating func makeID() -> UInt64 {
            nextID &+= 1
            return nextID
        }
    }

    let address: SocketAddress
    private let configuration: RPCClientConfiguration
    private let group: EventLoopGroup
    private let state: LockedState<State>

    init(address: SocketAddress, configuration: RPCClientConfiguration, group: EventLoopGroup) {
        self.address = address
        self.configuration = configuration
        self.group = group
        self.state = LockedState(State(backoff: configuration.initialBackoff))
    }

    private func unavailable(_ reason: String) -> Result<ClientConnection, CallFailure> {
        .failure(CallFailure(error: RPCError(.unavailable, "\(address) is unavailable: \(reason)"), retriable: true))
    }

    /// A usable connection, connecting first if needed.
    /// - Parameter ignoringBackoff: connect now even while backing off (a caller with no other endpoint left).
    func connection(deadline: UInt64?, ignoringBackoff: Bool = false) async -> Result<ClientConnection, CallFailure> {
        enum Step { case use(ClientConnection), wait, connect(UInt64), fail(Result<ClientConnection, CallFailure>) }
        let step = state.withLock { state -> Step in
            switch state.phase {
            case .ready(let connection):
                if connection.isUsable { return .use(connection) }
                let attempt = state.makeID()
                state.phase = .connecting(attempt: attempt, waiters: [:])
                return .connect(attempt)
            case .connecting:
                return .wait
            case .backingOff(let until, let reason):
                if MonotonicTime.now() < until && !ignoringBackoff {
                    return .fail(.failure(CallFailure(error: RPCError(.unavailable, "\(address) is unavailable: \(reason)"),
                                                      retriable: true, backingOff: true)))
                }
                let attempt = state.makeID()
                state.phase = .connecting(attempt: attempt, waiters: [:])
                return .connect(attempt)
            case .idle:
                let attempt = state.makeID()
                state.phase = .connecting(attempt: attempt, waiters: [:])
                return .connect(attempt)
            }
        }
        switch step {
        case .use(let connection): return .success(connection)
        case .fail(let failure): return failure
        case .wait: return await waitForConnection(deadline: deadline)
        case .connect(let attempt): return await connect(attempt: attempt, deadline: deadline)
        }
    }

    /// Waits for the attempt in progress, until its outcome, the caller's deadline or cancellation.
    private func waitForConnection(deadline: UInt64?) async -> Result<ClientConnection, CallFailure> {
        let id = state.withLock { $0.makeID() }
        var timer: ScheduledTask?
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Waiter) in
                let immediate = state.withLock { state -> Result<ClientConnection, CallFailure>? in
                    switch state.phase {
                    case .connecting(let attempt, var waiters):
                        if Task.isCancelled {
                            return .failure(CallFailure(error: RPCError(.cancelled, "the call was cancelled"), retriable: false))
                        }
                        waiters[id] = continuation
                        state.phase = .connecting(attempt: attempt, waiters: waiters)
                        return nil
                    case .ready(let connection):
                        return .success(connection)
                    case .backingOff(_, let reason):
                        return unavailable(reason)
                    case .idle:
                        return unavailable("not connected")
                    }
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                } else if let deadline {
                    timer = group.next().schedule(atNanoseconds: deadline) { [self] in
                        resumeWaiter(id, .failure(CallFailure(
                            error: RPCError(.deadlineExceeded, "deadline exceeded while connecting to \(address)"), retriable: false)))
                    }
                }
            }
        } onCancel: {
            resumeWaiter(id, .failure(CallFailure(error: RPCError(.cancelled, "the call was cancelled"), retriable: false)))
        }
        timer?.cancel()
        return result
    }

    private func resumeWaiter(_ id: UInt64, _ result: Result<ClientConnection, CallFailure>) {
        let waiter = state.withLock { state -> Waiter? in
            guard case .connecting(let attempt, var waiters) = state.phase, let waiter = waiters.removeValue(forKey: id) else {
                return nil
            }
            state.phase = .connecting(attempt: attempt, waiters: waiters)
            return waiter
        }
        waiter?.resume(returning: result)
    }

    private func connect(attempt: UInt64, deadline: UInt64?) async -> Result<ClientConnection, CallFailure> {
        var timeout = configuration.connectTimeout
        if let deadline {
            let now = MonotonicTime.now()
            let remaining = Duration.nanoseconds(Int64(min(deadline > now ? deadline - now : 0, UInt64(Int64.max))))
            timeout = min(timeout, remaining)
        }
        let connection = ClientConnection(peer: address.description, maximumFrameSize: configuration.maximumFrameSize,
                                          firstStreamID: configuration.firstStreamID) {
            [weak self] connection in self?.connectionBecameUnusable(connection)
        }
        var result: Result<ClientConnection, CallFailure>
        do {
            let tls = address.isTCP ? configuration.tls : nil
            let channel = try await Channel.connect(to: address, tls: tls, on: group.next(), timeout: timeout,
                                                    options: configuration.channelOptions, handler: connection)
            connection.attach(channel)
            result = .success(connection)
        } catch {
            result = .failure(CallFailure(error: RPCError(.unavailable, "cannot connect to \(address): \(error)"), retriable: true))
        }
        let outcome = result
        let (waiters, current) = state.withLock { state -> ([Waiter], Bool) in
            guard case .connecting(let current, let pending) = state.phase, current == attempt else { return ([], false) }
            switch outcome {
            case .success(let connection):
                state.phase = .ready(connection)
                state.backoff = configuration.initialBackoff
            case .failure(let failure):
                let jitter = 1 + configuration.backoffJitter * Double.random(in: -1...1)
                let delay = MonotonicTime.nanoseconds(state.backoff * jitter)
                state.phase = .backingOff(until: MonotonicTime.now() &+ delay, reason: failure.error.message)
                state.backoff = min(configuration.maximumBackoff, state.backoff * configuration.backoffMultiplier)
            }
            return (Array(pending.values), true)
        }
        if !current {
            // The subchannel was closed while connecting: do not hand the connection out.
            if case .success(let connection) = result { connection.close() }
            result = unavailable("closed while connecting")
        }
        for waiter in waiters { waiter.resume(returning: result) }
        return result
    }

    /// The number of calls waiting for the connection attempt in progress; nil when none is in progress.
    var waitingCalls: Int? {
        state.withLock { state in
            if case .connecting(_, let waiters) = state.phase { return waiters.count }
            return nil
        }
    }

    private func connectionBecameUnusable(_ connection: ClientConnection) {
        state.withLock { state in
            if case .ready(let current) = state.phase, current === connection { state.phase = .idle }
        }
    }

    /// Closes the current connection, if any, and answers every call waiting for one. Calls made
    /// afterwards connect again.
    func close() {
        let (connection, waiters) = state.withLock { state -> (ClientConnection?, [Waiter]) in
            defer { state.phase = .idle }
            switch state.phase {
            case .ready(let connection): return (connection, [])
            case .connecting(_, let waiters): return (nil, Array(waiters.values))
            case .idle, .backingOff: return (nil, [])
            }
        }
        connection?.close()
        // Not retriable: the caller closed the client, so trying again would only reconnect.
        let closed = CallFailure(error: RPCError(.unavailable, "\(address) is unavailable: the client was closed"), retriable: false)
        for waiter in waiters { waiter.resume(returning: .failure(closed)) }
    }
}
