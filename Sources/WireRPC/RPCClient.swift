import NetworkCore
import ServiceLogging
import Synchronization
import Wire

/// A Wire RPC client for one service, which may run on several endpoints.
///
/// Calls are spread round-robin over the endpoints, or by tenant (``EndpointSelection``); a call that
/// could not reach an endpoint (refused connection, server draining) is retried on the next one within
/// its deadline. Connections are made
/// lazily, shared by all concurrent calls, and re-established after the server restarts.
///
/// ```swift
/// let client = RPCClient(endpoints: [try SocketAddress(parsing: "unix:/run/config.sock")])
/// let health = try await client.call(StandardMethods.health, HealthCheckRequest())
/// ```
public final class RPCClient: Sendable {
    /// The client's settings.
    public let configuration: RPCClientConfiguration
    let subchannels: [Subchannel]
    private let counter = Atomic<Int>(0)
    private let endpointNames: [String]
    /// The service-credential token for the configured caller name, computed once.
    private let callerToken: String?

    /// Creates a client for the given endpoints (at least one).
    public init(endpoints: [SocketAddress], configuration: RPCClientConfiguration = RPCClientConfiguration(),
                group: EventLoopGroup = .shared) {
        self.configuration = configuration
        self.subchannels = endpoints.map { Subchannel(address: $0, configuration: configuration, group: group) }
        self.endpointNames = endpoints.map(\.description)
        if let credential = configuration.serviceCredential, let caller = configuration.callerName,
           endpoints.contains(where: \.isTCP) {
            callerToken = credential.token(for: caller)
        } else {
            callerToken = nil
        }
    }

    /// The endpoints, in order.
    public var endpoints: [SocketAddress] { subchannels.map(\.address) }

    /// Calls `method` with `request`.
    /// - Parameters:
    ///   - metadata: metadata to send (the configured caller name is added).
    ///   - timeout: the call's timeout; the configuration's default when nil.
    /// - Throws: ``RPCError``: the server's error, or `unavailable`, `deadlineExceeded`, `cancelled`,
    ///   `internal` (for a response that cannot be decoded).
    public func call<Request, Response>(
        _ method: Method<Request, Response>, _ request: Request, metadata: Metadata = Metadata(),
        timeout: Duration? = nil
    ) async throws(RPCError) -> Response {
        let payload: [UInt8]
        do {
            payload = try BinaryEncoder().encode(request)
        } catch {
            throw RPCError(.internal, "cannot encode \(Request.self): \(error)")
        }
        var metadata = metadata
        if let caller = configuration.callerName, metadata.caller == nil { metadata.caller = caller }
        // A call made while answering another carries that request's id (the server binds it for its handlers).
        if metadata.requestID == nil, let requestID = LogContext.requestID { metadata.requestID = requestID }
        if let token = callerToken, metadata[ServiceCredential.metadataKey] == nil { metadata[ServiceCredential.metadataKey] = token }
        let response = try await callRaw(method: method.fullName, payload: payload, metadata: metadata, timeout: timeout,
                                         idempotent: method.idempotent)
        do {
            return try BinaryDecoder().decode(Response.self, from: response)
        } catch {
            throw RPCError(.internal, "cannot decode \(Response.self) from \(method.fullName): \(error)")
        }
    }

    /// Calls a method with an already-encoded request and returns the encoded response.
    /// - Parameter idempotent: the call may be sent again elsewhere when its connection is lost mid-call.
    public func callRaw(
        method: String, payload: [UInt8], metadata: Metadata, timeout: Duration?, idempotent: Bool = false
    ) async throws(RPCError) -> [UInt8] {
        guard !subchannels.isEmpty else { throw RPCError(.unavailable, "no endpoints configured") }
        let effectiveTimeout = timeout ?? configuration.defaultTimeout
        let deadline = effectiveTimeout.map { MonotonicTime.now() &+ MonotonicTime.nanoseconds($0) }
        let order = endpointOrder(for: metadata)
        // Each endpoint in order, then the first once more (a stale connection is retried after
        // reconnecting); an endpoint skipped because it is backing off is tried once more at the end,
        // connecting anyway, rather than failing the call while it may be back.
        var attempts: [(index: Int, force: Bool)] = order.map { ($0, false) } + [(order[0], false)]
        var next = 0
        var lastFailure = RPCError(.unavailable, "no endpoint reachable")
        while next < attempts.count {
            let (index, force) = attempts[next]
            next += 1
            if let deadline, MonotonicTime.now() >= deadline {
                throw RPCError(.deadlineExceeded, "deadline exceeded before the call could be sent")
            }
            switch await subchannels[index].connection(deadline: deadline, ignoringBackoff: force) {
            case .failure(let failure):
                // Deadline, cancellation and a closed client end the call; an unreachable endpoint does not.
                guard failure.retriable else { throw failure.error }
                lastFailure = failure.error
                if failure.backingOff && !attempts.contains(where: { $0.index == index && $0.force }) { attempts.append((index, true)) }
                continue
            case .success(let connection):
                switch await connection.call(method: method, payload: payload, metadata: metadata, deadline: deadline) {
                case .success(let response):
                    return response
                case .failure(let failure):
                    if failure.retriable || (idempotent && failure.connectionLost) {
                        lastFailure = failure.error
                        continue
                    }
                    throw failure.error
                }
            }
        }
        throw lastFailure
    }

    /// The endpoints to try for a call, in order.
    func endpointOrder(for metadata: Metadata) -> [Int] {
        if subchannels.count > 1, configuration.endpointSelection == .tenantAffinity, let tenant = metadata.tenant {
            return RendezvousHash.order(key: tenant, endpoints: endpointNames)
        }
        let first = counter.add(1, ordering: .relaxed).oldValue
        return (0..<subchannels.count).map { (first &+ $0) % subchannels.count }
    }

    /// Closes all connections. Calls made afterwards reconnect.
    public func close() {
        for subchannel in subchannels { subchannel.close() }
    }
}
