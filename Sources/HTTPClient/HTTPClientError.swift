/// Why a request produced no response.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The URL is malformed or not http(s).
        case invalidURL
        /// The destination policy refused the host or the address it resolved to.
        case destinationNotAllowed
        /// The connection could not be made or broke (DNS, refused, reset, TLS).
        case connection
        /// The time limit passed.
        case timeout
        /// The response body (declared or received) exceeds the request's limit.
        case responseTooLarge
        /// The caller was cancelled.
        case cancelled
        /// Too many redirects, or a redirect without a usable `Location`.
        case redirect
        /// The client is shut down or could not set up the transfer.
        case client
    }

    public var kind: Kind
    public var message: String
    /// The last response seen before the failure, when there was one (retries exhausted on 503, say).
    public var status: Int?
    /// Whether any byte of the request was sent before the failure. When false (no connection, a refused
    /// destination) the server certainly never saw the request; when true it may have acted on it.
    public var requestSent: Bool

    public init(_ kind: Kind, _ message: String, status: Int? = nil, requestSent: Bool = true) {
        self.kind = kind
        self.message = message
        self.status = status
        self.requestSent = requestSent
    }

    public var description: String { "HTTP client \(kind): \(message)" }
}
