import NetworkCore
import Wire

/// Settings of an ``RPCServer``. Every limit has a default suited to services on one host.
public struct RPCServerConfiguration: Sendable {
    /// Where to listen (one or more addresses).
    public var addresses: [SocketAddress]
    /// TLS for TCP listeners (Unix sockets never use TLS), with mutual TLS when it requires client certificates.
    public var tls: TLSContext?
    /// The largest frame accepted; larger frames close the connection. 16 MiB by default.
    public var maximumFrameSize: Int
    /// Calls running at once across all connections; beyond it calls fail with `resourceExhausted`.
    public var maximumConcurrentCalls: Int
    /// Idle time after which the server pings a connection. 30 s by default.
    public var keepaliveInterval: Duration
    /// How long a ping may go unanswered before the connection is closed. 10 s by default.
    public var keepaliveTimeout: Duration
    /// The longest a graceful shutdown waits for running calls before closing connections. 10 s by default.
    public var shutdownGracePeriod: Duration
    /// The number of event loop threads. Defaults to the number of cores, at most 4.
    public var loopCount: Int?
    /// Where handlers run. `.eventLoop` (the default) runs each call on its connection's loop thread: no
    /// thread hop between reading the request and writing the response, and responses are batched.
    /// Use `.globalExecutor` for handlers that compute for long stretches without suspending.
    public var handlerExecution: HandlerExecution

    /// Where call handlers run.
    public enum HandlerExecution: Sendable {
        /// On the event loop thread of the call's connection.
        case eventLoop
        /// On Swift's global concurrent executor.
        case globalExecutor
    }

    /// Creates a configuration.
    public init(
        addresses: [SocketAddress], tls: TLSContext? = nil, maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize,
        maximumConcurrentCalls: Int = 4_096, keepaliveInterval: Duration = .seconds(30),
        keepaliveTimeout: Duration = .seconds(10), shutdownGracePeriod: Duration = .seconds(10), loopCount: Int? = nil,
        handlerExecution: HandlerExecution = .eventLoop
    ) {
        self.handlerExecution = handlerExecution
        self.addresses = addresses
        self.tls = tls
        self.maximumFrameSize = maximumFrameSize
        self.maximumConcurrentCalls = maximumConcurrentCalls
        self.keepaliveInterval = keepaliveInterval
        self.keepaliveTimeout = keepaliveTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.loopCount = loopCount
    }
}
