import NetworkCore

/// Settings of an ``HTTPServer``: listeners and every limit and timeout, each with a default.
public struct HTTPServerConfiguration: Sendable {
    /// Plain-HTTP listeners.
    public var plainAddresses: [SocketAddress]
    /// TLS listeners (need ``tls``).
    public var tlsAddresses: [SocketAddress]
    /// The TLS context for ``tlsAddresses`` (TLS 1.2 minimum, ALPN `http/1.1`).
    public var tls: TLSContext?
    /// Request line plus headers, in bytes (431 beyond). 16 KiB.
    public var maximumHeadSize = 16 * 1024
    /// Header fields per request (431 beyond). 100.
    public var maximumHeaderCount = 100
    /// Time from a request's first byte until its head is complete (408 after). 10 s.
    public var headerReadTimeout: Duration = .seconds(10)
    /// Longest pause while receiving a body (408 after). 10 s.
    public var bodyIdleTimeout: Duration = .seconds(10)
    /// How long an idle keep-alive connection stays open. 30 s.
    public var keepAliveIdleTimeout: Duration = .seconds(30)
    /// Open connections at once; beyond it new connections get 503 and are closed. 10,000.
    public var maximumConnections = 10_000
    /// Requests served on one connection before it is closed. 10,000.
    public var maximumRequestsPerConnection = 10_000
    /// Bytes a client may send ahead (pipelining) while a response is pending. 1 MiB.
    public var maximumPipelinedBytes = 1024 * 1024
    /// How long a graceful shutdown waits for in-flight requests. 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Event loop threads (default: cores, at most 4).
    public var loopCount: Int?

    /// Creates a configuration.
    public init(plainAddresses: [SocketAddress], tlsAddresses: [SocketAddress] = [], tls: TLSContext? = nil) {
        self.plainAddresses = plainAddresses
        self.tlsAddresses = tlsAddresses
        self.tls = tls
    }
}
