/// A PostgreSQL failure: the connection could not be used, or a statement failed.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// Whether the server could not be reached (retry later) rather than a statement being refused.
    public var isConnectionFailure: Bool
    /// The SQLSTATE of a failed statement (`23505` unique violation...), when there is one.
    public var sqlState: String?
    public var message: String

    public init(isConnectionFailure: Bool, sqlState: String? = nil, message: String) {
        self.isConnectionFailure = isConnectionFailure
        self.sqlState = sqlState
        self.message = message
    }

    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}
