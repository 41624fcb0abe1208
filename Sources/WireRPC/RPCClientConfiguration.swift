import NetworkCore
import Wire

/// Settings of an ``RPCClient``.
public struct RPCClientConfiguration: Sendable {
    /// TLS for TCP endpoints (Unix endpoints never use TLS).
    public var tls: TLSContext?
    /// The longest a connection attempt may take. 2 s by default.
    public var connectTimeout: Duration
    /// The first delay before reconnecting after a failed attempt. 50 ms by default.
    public var initialBackoff: Duration
    /// The longest delay between reconnection attempts. 2 s by default.
    public var maximumBackoff: Duration
    /// Growth of the delay after each failure. 1.6 by default.
    public var backoffMultiplier: Double
    /// Random spread of each delay (0.2 = ±20%).
    public var backoffJitter: Double
    /// The timeout of calls that do not set one. 30 s by default; nil means none.
    public var defaultTimeout: Duration?
    /// The largest frame sent or accepted: a larger request fails at once with `resourceExhausted`
    /// without being sent, a larger response fails its call the same way (other calls go on).
    public var maximumFrameSize: Int
    /// The caller name sent in every call's metadata.
    public var callerName: String?
    /// The shared service credential presented on TCP endpoints (needs ``callerName``).
    public var serviceCredential: ServiceCredential?
    /// Limits of each connection (write buffer).
    public var channelOptions: ChannelOptions
    /// How calls pick an endpoint. Round-robin by default.
    public var endpointSelection: EndpointSelection = .roundRobin
    /// The first stream id of each connection (odd); tests start near the end of the id space.
    var firstStreamID: UInt32 = 1

    /// Creates a configuration.
    public init(
        tls: TLSContext? = nil, connectTimeout: Duration = .seconds(2), initialBackoff: Duration = .milliseconds(50),
        maximumBackoff: Duration = .seconds(2), backoffMultiplier: Double = 1.6, backoffJitter: Double = 0.2,
        defaultTimeout: Duration? = .seconds(30), maximumFrameSize: Int = FrameCodec.defaultMaximumFrameSize,
        callerName: String? = nil, serviceCredential: ServiceCredential? = nil,
        channelOptions: ChannelOptions = ChannelOptions()
    ) {
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.backoffMultiplier = backoffMultiplier
        self.backoffJitter = backoffJitter
        self.defaultTimeout = defaultTimeout
        self.maximumFrameSize = maximumFrameSize
        self.callerName = callerName
        self.serviceCredential = serviceCredential
        self.channelOptions = channelOptions
    }
}

/// A failed attempt, and whether it is safe to try again elsewhere (the server never saw the call).
struct CallFailure: Error {
    var error: RPCError
    var retriable: Bool
    /// The connection broke while the call was in flight: the server may or may not have run it, so
    /// only an idempotent call may be sent again.
    var connectionLost = false
    /// The endpoint was not tried: it is backing off after a failed connection attempt.
    var backingOff = false
}
