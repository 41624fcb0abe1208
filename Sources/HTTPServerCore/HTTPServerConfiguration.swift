import NetworkCore

/// Settings of an ``HTTPServer``: listeners and every limit and timeout, each with a default.
public struct HTTPServerConfiguration: Sendable {
    /// Plain-HTTP listeners.
    public var plainAddresses: [SocketAddress]
    /// TLS listeners (need ``tls``).
    public var tlsAddresses: [SocketAddress]
    /// The TLS context for ``tlsAddresses`` (TLS 1.2 minimum, ALPN `http/1.1`).
    public var tls: TLSContext?
    /// Request line plus headers, in bytes, leading empty lines included (431 beyond). 16 KiB.
    public var maximumHeadSize = 16 * 1024
    /// Header fields per request (431 beyond). 100.
    public var maximumHeaderCount = 100
    /// Time from a request's first byte until its head is complete (408 after). 10 s.
    public var headerReadTimeout: Duration = .seconds(10)
    /// Longest pause while receiving a body (408 after). 10 s.
    public var bodyIdleTimeout: Duration = .seconds(10)
    /// Longest time a whole body may take, however steadily it trickles in (408 after). 60 s.
    public var bodyReadTimeout: Duration = .seconds(60)
    /// How long an idle keep-alive connection stays open. 30 s.
    public var keepAliveIdleTimeout: Duration = .seconds(30)
    /// The longest a TLS handshake may take. 10 s.
    public var tlsHandshakeTimeout: Duration = .seconds(10)
    /// After an answer that closes the connection: how long the server keeps reading (and discarding) what
    /// the client still sends, so the client reads the answer instead of a reset. 2 s.
    public var lingerTimeout: Duration = .seconds(2)
    /// Open connections at once, TLS handshakes in progress included; beyond it a plain connection gets
    /// 503 and is closed, a TLS one is closed before its handshake. 10,000.
    public var maximumConnections = 10_000
    /// Requests served on one connection before it is closed. 10,000.
    public var maximumRequestsPerConnection = 10_000
    /// Bytes a client may send ahead (pipelining) while a response is pending. 1 MiB.
    public var maximumPipelinedBytes = 1024 * 1024
    /// How long a graceful shutdown waits for in-flight requests. 10 s.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// Output held for a client that does not read: above the high-water mark (256 KiB) the next pipelined
    /// request waits; past 4 MiB pending (one answer of any size always fits) the connection closes.
    public var channelOptions = ChannelOptions(writeBufferHighWaterMark: 256 << 10, writeBufferLowWaterMark: 64 << 10,
                                               maximumPendingWriteBytes: 4 << 20)
    /// Called when accepting pauses for lack of descriptors or memory (errno, pause), for logs.
    public var onAcceptPause: (@Sendable (Int32, Duration) -> Void)?

    /// Creates a configuration.
    public init(plainAddresses: [SocketAddress], tlsAddresses: [SocketAddress] = [], tls: TLSContext? = nil) {
        self.plainAddresses = plainAddresses
        self.tlsAddresses = tlsAddresses
        self.tls = tls
    }
}
