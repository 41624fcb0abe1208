import NetworkCore
import Wire

/// Settings of an ``RPCServer``. Every limit has a default suited to services on one host.
public struct RPCServerConfiguration: Sendable {
    /// Where to listen (one or more addresses).
    public var addresses: [SocketAddress]
    /// The service's name, the `service` label of its metrics.
    public var serviceName = "wire"
    /// TLS for TCP listeners (Unix sockets never use TLS), with mutual TLS when it requires client certificates.
    public var tls: TLSContext?
    /// The largest frame accepted, and sent: a larger request fails that call with `resourceExhausted`
    /// (the connection and its other calls go on); a larger response is replaced by that error. 16 MiB.
    public var maximumFrameSize: Int
    /// Calls running at once across all connections; beyond it calls fail with `resourceExhausted`.
    public var maximumConcurrentCalls: Int
    /// Calls running at once on one connection; beyond it calls fail with `resourceExhausted`. 1,000.
    public var maximumConcurrentCallsPerConnection: Int = 1_000
    /// Idle time after which the server pings a connection. 30 s by default.
    public var keepaliveInterval: Duration
    /// How long a ping may go unanswered before the connection is closed. 10 s by default.
    public var keepaliveTimeout: Duration
    /// The longest a frame may take to arrive once it has started; a connection holding a partial frame
    /// longer is closed. 10 s by default.
    public var partialFrameTimeout: Duration
    /// The longest a graceful shutdown waits for running calls before closing connections. 10 s by default.
    public var shutdownGracePeriod: Duration
    /// The shared credential TCP callers must present (unless mutual TLS identifies them).
    public var serviceCredential: ServiceCredential?
    /// Serve TCP callers that are not authenticated at all. Off by default: a TCP listener then needs
    /// mutual TLS or a ``serviceCredential``, and ``RPCServer/start()`` refuses to start without one.
    public var allowUnauthenticatedTCP: Bool
    /// Limits of each accepted connection (write buffer, TLS handshake deadline).
    public var channelOptions: ChannelOptions

    /// Creates a configuration.
    public init(
        addresses: [SocketAddress], tls: TLSContext? = nil, maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize,
        maximumConcurrentCalls: Int = 4_096, keepaliveInterval: Duration = .seconds(30),
        keepaliveTimeout: Duration = .seconds(10), partialFrameTimeout: Duration = .seconds(10),
        shutdownGracePeriod: Duration = .seconds(10), serviceCredential: ServiceCredential? = nil,
        allowUnauthenticatedTCP: Bool = false, channelOptions: ChannelOptions = ChannelOptions()
    ) {
        self.addresses = addresses
        self.tls = tls
        self.maximumFrameSize = maximumFrameSize
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.partialFrameTimeout = partialFrameTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.serviceCredential = serviceCredential
        self.allowUnauthenticatedTCP = allowUnauthenticatedTCP
        self.channelOptions = channelOptions
    }

    /// Whether TCP callers are authenticated (mutual TLS required, or a shared credential).
    public var authenticatesTCPCallers: Bool { serviceCredential != nil || (tls?.requiresClientCertificate ?? false) }
}
