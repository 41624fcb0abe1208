/// Why a Redis call failed.
public struct RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server could not be reached, or the connection broke (retry later).
        case connection
        /// The server answered with an error reply.
        case server
        /// The caller was cancelled or its time limit passed.
        case cancelled
        /// The client refused the call (bad URL, overloaded pool).
        case client
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "Redis \(kind): \(message)" }
}
