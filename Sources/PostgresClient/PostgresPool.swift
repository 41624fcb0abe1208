import Dispatch
import Foundation

/// A small pool of PostgreSQL connections, each with its own thread, used through async calls.
///
/// A connection that breaks is reconnected on its next use, so the pool recovers by itself when the
/// server comes back. Blocking libpq calls run on the pool's threads, never on the caller's.
public final class PostgresPool: @unchecked Sendable {
    // Each connection is confined to its queue; `next` is only touched under `lock`.
    private let connections: [(queue: DispatchQueue, connection: PostgresConnection)]
    private let lock = NSLock()
    private var next = 0
    /// The connection URL without its password, for logs.
    public let displayURL: String

    /// Creates a pool of `size` lazily connected connections to `url` (`postgresql://…` or a libpq keyword string).
    public init(url: String, size: Int = 2) {
        connections = (0..<max(1, size)).map { index in
            (DispatchQueue(label: "postgres-\(index)"), PostgresConnection(url: url))
        }
        displayURL = url.replacingOccurrences(of: #":[^:@/]*@"#, with: ":***@", options: .regularExpression)
    }

    /// Runs `body` with a connection on its thread.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let slot: (queue: DispatchQueue, connection: PostgresConnection) = lock.withLock {
            defer { next = (next + 1) % connections.count }
            return connections[next]
        }
        let connection = UncheckedBox(slot.connection)
        let result: Result<T, PostgresError> = await withCheckedContinuation { continuation in
            slot.queue.async {
                do throws(PostgresError) {
                    continuation.resume(returning: .success(try body(PostgresSession(connection: connection.value))))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Runs `body` inside a transaction (rolled back if it throws).
    public func transaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        try await withConnection { (session) throws(PostgresError) -> T in
            try session.execute("BEGIN")
            do throws(PostgresError) {
                let value = try body(session)
                try session.execute("COMMIT")
                return value
            } catch {
                _ = try? session.execute("ROLLBACK")
                throw error
            }
        }
    }
}

/// A connection lent to a pool callback.
public struct PostgresSession {
    let connection: PostgresConnection

    /// Runs one statement with text parameters; returns the rows as text.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        try connection.execute(sql, parameters)
    }
}

/// Moves a non-Sendable reference onto the queue that owns it.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
