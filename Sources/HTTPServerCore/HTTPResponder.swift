/// The application behind an ``HTTPServer``.
public protocol HTTPResponder: Sendable {
    /// The largest body accepted for a request with this head; larger bodies get 413 before they are read.
    func bodyLimit(for head: HTTPRequestHead) -> Int
    /// Answers one complete request. Errors are answered as responses (``HTTPError/response()``).
    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse
    /// Called when the server refuses a request before it reaches ``respond(to:connection:)``
    /// (parse errors, limits, timeouts), for logging and metrics.
    func requestRejected(_ error: HTTPParseError, connection: HTTPConnectionInfo)
}

extension HTTPResponder {
    public func requestRejected(_ error: HTTPParseError, connection: HTTPConnectionInfo) {}
}

/// Facts about the connection a request came on.
public struct HTTPConnectionInfo: Sendable {
    /// The peer's address (`ip:port`, or `unix`).
    public var remoteAddress: String
    /// Whether the connection is TLS.
    public var isTLS: Bool
}
