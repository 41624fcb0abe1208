import NetworkCore
import Wire

/// The connection to one endpoint of a client: connects lazily, reconnects after failures with
/// jittered exponential backoff, and fails fast with `unavailable` while backing off.
final class Subchannel: Sendable {
    private enum Phase {
        case idle
        case connecting(waiters: [CheckedContinuation<Result<ClientConnection, CallFailure>, Never>])
        case ready(ClientConnection)
        case backingOff(until: UInt64, reason: String)
    }

    private struct State {
        var phase = Phase.idle
        var backoff: Duration
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

    /// A usable connection, connecting first if needed.
    func connection(deadline: UInt64?) async -> Result<ClientConnection, CallFailure> {
        enum Step { case use(ClientConnection), wait, connect, fail(CallFailure) }
        let step = state.withLock { state -> Step in
            switch state.phase {
            case .ready(let connection):
                if connection.isUsable { return .use(connection) }
                state.phase = .connecting(waiters: [])
                return .connect
            case .connecting:
                return .wait
            case .backingOff(let until, let reason):
                if MonotonicTime.now() < until {
                    return .fail(CallFailure(error: RPCError(.unavailable, "\(address) is unavailable: \(reason)"),
                                             retriable: true))
                }
                state.phase = .connecting(waiters: [])
                return .connect
            case .idle:
                state.phase = .connecting(waiters: [])
                return .connect
            }
        }
        switch step {
        case .use(let connection):
            return .success(connection)
        case .fail(let failure):
            return .failure(failure)
        case .wait:
            return await withCheckedContinuation { continuation in
                let immediate = state.withLock { state -> Result<ClientConnection, CallFailure>? in
                    switch state.phase {
                    case .connecting(var waiters):
                        waiters.append(continuation)
                        state.phase = .connecting(waiters: waiters)
                        return nil
                    case .ready(let connection):
                        return .success(connection)
                    case .backingOff(_, let reason):
                        return .failure(CallFailure(error: RPCError(.unavailable, "\(address) is unavailable: \(reason)"),
                                                    retriable: true))
                    case .idle:
                        return .failure(CallFailure(error: RPCError(.unavailable, "\(address) is not connected"),
                                                    retriable: true))
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        case .connect:
            return await connect(deadline: deadline)
        }
    }

    private func connect(deadline: UInt64?) async -> Result<ClientConnection, CallFailure> {
        var timeout = configuration.connectTimeout
        if let deadline {
            let now = MonotonicTime.now()
            let remaining = Duration.nanoseconds(Int64(min(deadline > now ? deadline - now : 0, UInt64(Int64.max))))
            timeout = min(timeout, remaining)
        }
        let connection = ClientConnection(peer: address.description, maximumFrameSize: configuration.maximumFrameSize) {
            [weak self] connection in self?.connectionBecameUnusable(connection)
        }
        let result: Result<ClientConnection, CallFailure>
        do {
            let tls = address.isTCP ? configuration.tls : nil
            let channel = try await Channel.connect(to: address, tls: tls, on: group.next(), timeout: timeout,
                                                    handler: connection)
            connection.attach(channel)
            result = .success(connection)
        } catch {
            result = .failure(CallFailure(error: RPCError(.unavailable, "cannot connect to \(address): \(error)"),
                                          retriable: true))
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Result<ClientConnection, CallFailure>, Never>] in
            var waiters: [CheckedContinuation<Result<ClientConnection, CallFailure>, Never>] = []
            if case .connecting(let pending) = state.phase { waiters = pending }
            switch result {
            case .success(let connection):
                state.phase = .ready(connection)
                state.backoff = configuration.initialBackoff
            case .failure(let failure):
                let jitter = 1 + configuration.backoffJitter * Double.random(in: -1...1)
                let delay = MonotonicTime.nanoseconds(state.backoff * jitter)
                state.phase = .backingOff(until: MonotonicTime.now() &+ delay, reason: failure.error.message)
                state.backoff = min(configuration.maximumBackoff, state.backoff * configuration.backoffMultiplier)
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
        return result
    }

    private func connectionBecameUnusable(_ connection: ClientConnection) {
        state.withLock { state in
            if case .ready(let current) = state.phase, current === connection { state.phase = .idle }
        }
    }

    /// Closes the current connection, if any.
    func close() {
        let connection = state.withLock { state -> ClientConnection? in
            defer { state.phase = .idle }
            if case .ready(let connection) = state.phase { return connection }
            return nil
        }
        connection?.close()
    }
}
