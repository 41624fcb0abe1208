/// Why a Chatwoot API call failed, and whether trying again later can help.
public struct ChatwootError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// 401: a wrong or revoked token (or an endpoint bots may not use).
        case unauthorized
        /// 404: no such account or conversation.
        case notFound = "not_found"
        /// 4xx other than 401/404/429: Chatwoot refused the request (422 validation).
        case rejected
        /// 429 after the retries (Chatwoot sends no Retry-After).
        case rateLimited = "rate_limited"
        /// 5xx after the retries.
        case serverError = "server_error"
        /// No connection, or the time limit passed; the call may or may not have reached Chatwoot.
        case unreachable
        /// The company has no Chatwoot base URL or token.
        case notConfigured = "not_configured"
    }

    public var kind: Kind
    public var message: String
    public var status: Int?
    /// Whether Chatwoot may have acted on the call although it failed: true only for a connection that
    /// broke or timed out after the request went out. An answer with an error status, or a connection
    /// never made, means the call had no effect and can be made again without a duplicate.
    public var mayHaveTakenEffect: Bool

    public init(_ kind: Kind, _ message: String, status: Int? = nil, mayHaveTakenEffect: Bool = false) {
        self.kind = kind
        self.message = message
        self.status = status
        self.mayHaveTakenEffect = mayHaveTakenEffect
    }

    /// Worth another attempt later (the inbox retries these with backoff).
    public var isTransient: Bool { kind == .rateLimited || kind == .serverError || kind == .unreachable }

    public var description: String { "Chatwoot \(kind.rawValue): \(message)" }
}
