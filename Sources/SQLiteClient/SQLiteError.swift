import CSQLite

/// A failed SQLite call: the result code, SQLite's message and, when known, the statement.
public struct SQLiteError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The primary or extended result code (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, ...).
    public var code: Int32
    public var message: String
    /// The statement that failed, when there is one.
    public var sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// A constraint (unique, foreign key, check, not null) refused the change.
    public var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }
    /// Another connection held the lock for longer than the busy timeout.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
    /// The statement was interrupted (the caller was cancelled or timed out).
    public var isInterrupted: Bool { code & 0xFF == SQLITE_INTERRUPT }

    public var description: String {
        let text = "SQLite error \(code): \(message)"
        return sql.map { "\(text) (in \($0.prefix(120)))" } ?? text
    }
}
