/// One outgoing HTTP request and the limits it runs under.
public struct HTTPClientRequest: Sendable {
    public var method: String
    /// An absolute `http://` or `https://` URL.
    public var url: String
    /// Header fields in order (`Content-Length` is set by the client).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The longest one attempt may take, connect and body included.
    public var timeout: Duration
    /// The longest the connection (and TLS handshake) may take.
    public var connectTimeout: Duration
    /// The largest response body accepted; beyond it the transfer stops with ``HTTPClientError/Kind/responseTooLarge``.
    public var maximumResponseBytes: Int
    /// Redirects followed (each target checked against the destination policy); 0 returns the 3xx itself.
    public var maximumRedirects: Int
    /// When and how to try again.
    public var retry: HTTPRetryPolicy
    /// Called on the client's transfer thread right before each attempt's request goes out on an established
    /// connection (libcurl's pre-request callback): from then on the server may have it. It must return at
    /// once (a quick append to a file, never a wait); a caller's outbox uses it to tell, after a crash, a
    /// call that never left from one that may have taken effect. Returning false stops the request before
    /// it is sent (``HTTPClientError/requestSent`` is false): the caller could not record it.
    public var willSend: (@Sendable () -> Bool)?

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(5),
        maximumResponseBytes: Int = 10 * 1024 * 1024, maximumRedirects: Int = 0, retry: HTTPRetryPolicy = .none
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumRedirects = maximumRedirects
        self.retry = retry
    }

    /// Adds a header field.
    public mutating func addHeader(_ name: String, _ value: String) { headers.append((name, value)) }
}
