import Foundation
import NetworkCore
import ServiceLogging
import Synchronization
import Wire

/// A Wire RPC server: listens on Unix and TCP addresses, decodes frames, runs each call's handler in
/// its own task with the caller's deadline (where its method says: ``HandlerExecution``), and shuts down
/// gracefully.
///
/// TCP listeners authenticate their callers (mutual TLS or the shared ``ServiceCredential``) unless the
/// configuration explicitly allows otherwise; Unix-socket peers must run as this process's user.
///
/// ```swift
/// var router = RPCRouter()
/// router.register(MyAPI.getThing) { request, context in ... }
/// let server = RPCServer(configuration: .init(addresses: [address]), router: router, logger: logger)
/// try await server.start()
/// ...
/// await server.shutdownGracefully()
/// ```
public final class RPCServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: RPCServerConfiguration
    let router: RPCRouter
    let logger: Logger
    /// Every answered call by method, company and status, with latency histograms (the `metrics` method).
    public let metrics: RPCServerMetrics
    let group: EventLoopGroup
    private let listeners = LockedState<[Listener]>([])
    let connections = LockedState<[ObjectIdentifier: ServerConnection]>([:])
    let inFlight = Atomic<Int>(0)
    let draining = Atomic<Bool>(false)
    private let drained = LockedState<[CheckedContinuation<Void, Never>]>([])
    private let closedWaiters = LockedState<[CheckedContinuation<Void, Never>]>([])

    /// Creates a server on `group` (the process's shared loops by default); `start()` binds it.
    public init(
        configuration: RPCServerConfiguration, router: RPCRouter, logger: Logger, group: EventLoopGroup = .shared,
        metrics: RPCServerMetrics = RPCServerMetrics()
    ) {
        self.configuration = configuration
        self.metrics = metrics
        var router = router
        let methods = router.methods + [StandardMethods.listMethods.descriptor, StandardMethods.metrics.descriptor]
        router.register(StandardMethods.listMethods, execution: .eventLoop) { _, _ in ListMethodsResponse(methods: methods) }
        let service = configuration.serviceName
        router.register(StandardMethods.metrics, execution: .cooperative) { _, _ in MetricsResponse(text: await metrics.render(service: service)) }
        self.router = router
        self.logger = logger
        self.group = group
    }

    /// The addresses actually bound (with real ports for TCP port 0).
    public var boundAddresses: [SocketAddress] { listeners.withLock { $0.map(\.address) } }

    /// Binds every configured address and starts accepting calls.
    public func start() async throws(NetworkError) {
        if configuration.addresses.contains(where: \.isTCP) && !configuration.authenticatesTCPCallers
            && !configuration.allowUnauthenticatedTCP {
            throw .misconfigured("""
                a TCP Wire listener needs caller authentication: set a service credential (WIRE_SERVICE_CREDENTIAL_FILE) \
                or mutual TLS (WIRE_TLS_CA with WIRE_TLS_REQUIRE_CLIENT_CERT), or allow unauthenticated TCP for development \
                (WIRE_ALLOW_UNAUTHENTICATED_TCP=1)
                """)
        }
        let options = Listener.Options(channel: configuration.channelOptions, onAcceptPause: { [logger] code, delay in
            logger.warning("accept paused for \(delay): \(String(cString: strerror(code)))")
        })
        for address in configuration.addresses {
            let tls = address.isTCP ? configuration.tls : nil
            let listener = try await Listener.bind(to: address, group: group, tls: tls, options: options) { [self] channel in
                let connection = ServerConnection(server: self, channel: channel)
                connections.withLock { $0[ObjectIdentifier(connection)] = connection }
                return connection
            }
            listeners.withLock { $0.append(listener) }
            logger.info("listening on \(listener.address)\(tls != nil ? " (TLS)" : "")")
        }
    }

    /// Replaces the TLS context for TCP connections accepted from now on.
    public func updateTLS(_ context: TLSContext) {
        for listener in listeners.withLock({ $0 }) where listener.address.isTCP { listener.updateTLS(context) }
    }

    /// Stops accepting connections and calls, lets running calls finish (up to the grace period), then
    /// closes every connection. New calls meanwhile fail with `unavailable`.
    public func shutdownGracefully() async {
        guard !draining.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for listener in listeners.withLock({ $0 }) { await listener.closeAndWait() }
        let open = connections.withLock { Array($0.values) }
        for connection in open { connection.sendGoaway() }
        logger.info("shutting down: \(inFlight.load(ordering: .relaxed)) calls in flight")
        let grace = configuration.shutdownGracePeriod
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilDrained() }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
            self.resumeDrainWaiters()
        }
        for connection in connections.withLock({ Array($0.values) }) { connection.closeConnection() }
        if inFlight.load(ordering: .relaxed) > 0 {
            logger.warning("closed with \(inFlight.load(ordering: .relaxed)) calls still running after \(grace)")
        }
        // The connections close once their last answers are sent; wait for that (briefly).
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitUntilNoConnections() }
            group.addTask { try? await Task.sleep(for: .seconds(1)) }
            await group.next()
            group.cancelAll()
            self.resumeConnectionWaiters()
        }
    }

    private func waitUntilNoConnections() async {
        await withCheckedContinuation { continuation in
            let done = connections.withLock { open -> Bool in
                if open.isEmpty { return true }
                closedWaiters.withLock { $0.append(continuation) }
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func resumeConnectionWaiters() {
        for waiter in closedWaiters.withLock({ waiters in defer { waiters = [] }; return waiters }) { waiter.resume() }
    }

    private func waitUntilDrained() async {
        await withCheckedContinuation { continuation in
            let done = drained.withLock { waiters -> Bool in
                if inFlight.load(ordering: .acquiring) == 0 { return true }
                waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func resumeDrainWaiters() {
        for waiter in drained.withLock({ waiters in defer { waiters = [] }; return waiters }) { waiter.resume() }
    }

    // MARK: Used by connections

    func callStarted() -> Bool {
        let previous = inFlight.add(1, ordering: .acquiringAndReleasing).oldValue
        if previous >= configuration.maximumConcurrentCalls {
            callFinished()
            return false
        }
        return true
    }

    func callFinished() {
        let remaining = inFlight.subtract(1, ordering: .acquiringAndReleasing).newValue
        if remaining == 0 && draining.load(ordering: .acquiring) { resumeDrainWaiters() }
    }

    func connectionClosed(_ connection: ServerConnection) {
        let empty = connections.withLock { open -> Bool in
            open.removeValue(forKey: ObjectIdentifier(connection))
            return open.isEmpty
        }
        if empty && draining.load(ordering: .acquiring) { resumeConnectionWaiters() }
    }
}
