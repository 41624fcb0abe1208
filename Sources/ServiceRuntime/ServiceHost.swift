import Foundation
import NetworkCore
import ServiceLogging
import Wire
import WireRPC

/// Runs one service process: Wire server, health, signals and graceful shutdown.
///
/// `SIGTERM`/`SIGINT` start a graceful shutdown (running calls finish, new ones are refused, the process
/// exits within the grace period); a second signal exits at once. `SIGHUP` calls the reload hook.
///
/// The process has one set of event loops (``group``), shared by its Wire server, its HTTP server (the
/// gateway) and every client it makes with ``client(for:)``.
public struct ServiceHost: Sendable {
    /// The service being run.
    public let service: ServiceName
    /// The parsed options.
    public let options: CommandLineOptions
    /// The process's logger.
    public let logger: Logger
    /// The health of the service's components.
    public let health: HealthReporter
    /// The Wire server's call figures; services add their own with ``RPCServerMetrics/addSource(_:)`` before ``run(router:onReload:onShutdown:)``.
    public let metrics = RPCServerMetrics()
    /// The process's event loops.
    public let group: EventLoopGroup

    /// Creates a host for `service` from the process's arguments and environment.
    public init(service: ServiceName, options: CommandLineOptions = CommandLineOptions()) {
        self.service = service
        self.options = options
        self.logger = Logger(component: service.rawValue)
        self.health = HealthReporter(service: service.rawValue, version: BuildInfo.version)
        self.group = .shared
    }

    /// The shared service credential (see ``CommandLineOptions/serviceCredential()``).
    public func serviceCredential() throws(ConfigurationError) -> ServiceCredential? { try options.serviceCredential() }

    /// The server configuration from options: `--listen`, TLS files (`--tls-cert`, `--tls-key`,
    /// `--tls-ca`, `--tls-require-client-cert`), caller authentication and limits.
    public func serverConfiguration() throws(ConfigurationError) -> RPCServerConfiguration {
        let endpoints = ServiceEndpoints(options: options)
        let addresses: [SocketAddress]
        do {
            addresses = try endpoints.listenAddresses(for: service)
        } catch {
            throw ConfigurationError("listen address: \(error)")
        }
        for case .unix(let path) in addresses {
            let directory = (path as NSString).deletingLastPathComponent
            guard !directory.isEmpty else { continue }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ConfigurationError("cannot create socket directory \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = RPCServerConfiguration(addresses: addresses)
        configuration.serviceName = service.rawValue
        // Media files travel in one size-checked frame (MediaAPI.maximumFrameSize); every other service keeps the default.
        if service == .media { configuration.maximumFrameSize = MediaAPI.maximumFrameSize }
        if let certificate = options.value("tls-cert", environment: "WIRE_TLS_CERT"),
           let key = options.value("tls-key", environment: "WIRE_TLS_KEY") {
            let tls = TLSConfiguration.server(
                certificateChainPath: certificate, privateKeyPath: key,
                trustRootsPath: options.value("tls-ca", environment: "WIRE_TLS_CA"),
                requireClientCertificate: options.flag("tls-require-client-cert", environment: "WIRE_TLS_REQUIRE_CLIENT_CERT"))
            do {
                configuration.tls = try TLSContext(configuration: tls, isServer: true)
            } catch {
                throw ConfigurationError("WIRE_TLS_CERT/WIRE_TLS_KEY: \(error)")
            }
        }
        configuration.serviceCredential = try serviceCredential()
        configuration.allowUnauthenticatedTCP = options.flag("allow-unauthenticated-tcp", environment: "WIRE_ALLOW_UNAUTHENTICATED_TCP")
        if let limit = try options.integer("max-concurrent-calls", environment: "WIRE_MAX_CONCURRENT_CALLS", in: 1...1_000_000) {
            configuration.maximumConcurrentCalls = limit
        }
        if let size = try options.integer("max-frame-bytes", environment: "WIRE_MAX_FRAME_BYTES", in: 64 * 1024...(256 << 20)) {
            configuration.maximumFrameSize = size
        }
        if let grace = try options.duration("shutdown-grace", environment: "WIRE_SHUTDOWN_GRACE", in: .zero...(.seconds(300))) {
            configuration.shutdownGracePeriod = grace
        }
        if let timeout = try options.duration("partial-frame-timeout", environment: "WIRE_PARTIAL_FRAME_TIMEOUT",
                                              in: .milliseconds(100)...(.seconds(300))) {
            configuration.partialFrameTimeout = timeout
        }
        return configuration
    }

    /// Client settings for calling other services: this service's name, the service credential, and TLS
    /// for TCP endpoints when `WIRE_TLS_CA` is set (presenting `WIRE_TLS_CERT`/`WIRE_TLS_KEY` for mutual TLS).
    public func clientConfiguration() throws(ConfigurationError) -> RPCClientConfiguration {
        var configuration = RPCClientConfiguration(callerName: service.rawValue, serviceCredential: try serviceCredential())
        if let roots = options.value("tls-ca", environment: "WIRE_TLS_CA") {
            let tls = TLSConfiguration.client(
                trustRootsPath: roots, certificateChainPath: options.value("tls-cert", environment: "WIRE_TLS_CERT"),
                privateKeyPath: options.value("tls-key", environment: "WIRE_TLS_KEY"))
            do {
                configuration.tls = try TLSContext(configuration: tls, isServer: false)
            } catch {
                throw ConfigurationError("WIRE_TLS_CA: \(error)")
            }
        }
        return configuration
    }

    /// A client for `service`'s endpoints (from its address variable), on the process's loops.
    public func client(for target: ServiceName) throws(ConfigurationError) -> RPCClient {
        let addresses: [SocketAddress]
        do {
            addresses = try ServiceEndpoints(options: options).addresses(of: target)
        } catch {
            throw ConfigurationError("\(target.addressVariable): \(error)")
        }
        var configuration = try clientConfiguration()
        // The RAG service keeps each tenant's index in memory: its replicas are chosen per tenant.
        if target == .rag { configuration.endpointSelection = .tenantAffinity }
        if target == .media { configuration.maximumFrameSize = MediaAPI.maximumFrameSize }
        return RPCClient(endpoints: addresses, configuration: configuration, group: group)
    }

    /// A started ``CompanyWatcher`` over a client of the config service (exits the process, as
    /// misconfigured, when the config service's address is not valid).
    public func startCompanyWatcher() -> CompanyWatcher {
        let configClient: RPCClient
        do {
            configClient = try client(for: .config)
        } catch {
            exitMisconfigured(error)
        }
        let watcher = CompanyWatcher(client: configClient, logger: logger)
        watcher.start()
        return watcher
    }

    /// Starts the server with `router` (standard methods added) and runs until a termination signal.
    /// - Parameters:
    ///   - onReload: called on `SIGHUP`.
    ///   - onShutdown: called when a graceful shutdown starts, before the Wire server drains (e.g. to drain
    ///     an HTTP server first).
    public func run(
        router: RPCRouter, onReload: (@Sendable () async -> Void)? = nil,
        onShutdown: (@Sendable () async -> Void)? = nil
    ) async -> Int32 {
        let signals = SignalWatcher()
        var router = router
        router.registerStandardMethods(health: health)
        let server: RPCServer
        do {
            server = RPCServer(configuration: try serverConfiguration(), router: router, logger: logger, group: group, metrics: metrics)
            try await server.start()
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }
        health.set("wire", .serving)
        logger.info("\(service.executableName) \(BuildInfo.version) serving (pid \(getpid()))")
        var shuttingDown = false
        for await signal in signals.signals {
            if signal == SIGHUP {
                logger.info("SIGHUP: reloading")
                await onReload?()
                continue
            }
            if shuttingDown {
                logger.warning("\(SignalWatcher.name(signal)) during shutdown: exiting now")
                return 130
            }
            shuttingDown = true
            logger.info("\(SignalWatcher.name(signal)): shutting down gracefully")
            health.set("wire", .notServing, detail: "shutting down")
            Task {
                await onShutdown?()
                await server.shutdownGracefully()
                signals.finish()
            }
        }
        logger.info("stopped")
        return 0
    }

    /// Logs `error` as the reason the service cannot start and ends the process with status 2.
    public func exitMisconfigured(_ error: any Error) -> Never {
        logger.critical("invalid configuration: \(error)")
        exit(2)
    }
}
