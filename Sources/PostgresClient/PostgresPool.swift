import BlockingIO
import Synchronization

/// A small pool of PostgreSQL connections, each confined to its own ``BlockingIOPool`` thread.
///
/// A connection that breaks is reconnected on its next use, so the pool recovers by itself when the
/// server comes back. libpq's blocking calls run on the pool's threads, never on an event loop or on
/// Swift's cooperative pool. A caller that is cancelled or times out gets its answer at once, and the
/// running statement is cancelled on the server (`PQcancel`).
public final class PostgresPool: Sendable {
    private struct Slot: Sendable {
        let thread: BlockingIOPool
        let connection: ConfinedConnection
    }

    private let slots: [Slot]
    private let next = Atomic<Int>(0)
    /// The connection URL without its password, for logs.
    public let displayURL: String

    /// Creates a pool of `size` lazily connected connections to `url` (`postgresql://…` or a libpq keyword string).
    public init(url: String, size: Int = 2) {
        slots = (0..<max(1, size)).map { index in
            Slot(thread: BlockingIOPool(name: "postgres-\(index)", threads: 1, maximumQueuedJobs: 1_024),
                 connection: ConfinedConnection(PostgresConnection(url: url)))
        }
        displayURL = PostgresPool.redacted(url)
    }

    /// `url` with any password replaced by `***`.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    /// Runs `body` with a connection on its thread, within `timeout` when given.
    public func withConnection<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let slot = slots[next.add(1, ordering: .relaxed).oldValue % slots.count]
        let connection = slot.connection
        do {
            return try await slot.thread.run(timeout: timeout) { (job) throws(PostgresError) -> T in
                let cancel = connection.value.cancelHandle()
                job.onCancel { cancel?.cancel() }
                defer { cancel?.release() }
                return try body(PostgresSession(connection: connection.value))
            }
        } catch {
            switch error {
            case .failed(let failure): throw failure
            case .cancelled: throw PostgresError(isConnectionFailure: false, message: "the statement was cancelled")
            case .timedOut: throw PostgresError(isConnectionFailure: false, message: "the statement timed out")
            case .rejected(let reason): throw PostgresError(isConnectionFailure: true, message: "the pool is overloaded: \(reason)")
            }
        }
    }

    /// Runs `body` inside a transaction (rolled back if it throws).
    public func transaction<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (PostgresSession) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        try await withConnection(timeout: timeout) { (session) throws(PostgresError) -> T in
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

    /// Stops the connection threads (after their queued statements).
    public func shutdown() {
        for slot in slots { slot.thread.shutdown() }
    }
}

/// A connection lent to a pool callback, valid only during the callback.
public struct PostgresSession {
    let connection: PostgresConnection

    /// Runs one statement with text parameters; returns the rows as text.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        try connection.execute(sql, parameters)
    }
}

/// A connection that only its slot's single thread touches.
private final class ConfinedConnection: @unchecked Sendable {
    // Confinement, not a lock: every use happens inside a job of the slot's one-thread pool.
    let value: PostgresConnection
    init(_ value: PostgresConnection) { self.value = value }
}
