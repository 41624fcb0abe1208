/// One step of a database schema: applied once, in order, and recorded in `PRAGMA user_version`.
///
/// Never edit a migration that has shipped: add a new one with the next version.
public struct SQLiteMigration: Sendable {
    public var version: Int
    public var statements: [String]

    public init(version: Int, statements: [String]) {
        self.version = version
        self.statements = statements
    }
}
