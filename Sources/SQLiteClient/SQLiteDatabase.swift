import BlockingIO
import CSQLite
import Synchronization

/// A SQLite database file used from async code: one writer connection and a few reader connections
/// (WAL mode, so readers never wait for the writer), each confined to its own ``BlockingIOPool`` thread.
///
/// Every call runs on those threads, never on an event loop or the cooperative pool. A caller that is
/// cancelled or times out is answered at once and its statement is interrupted (`sqlite3_interrupt`);
/// a write interrupted mid-transaction is rolled back, so no partial write survives.
public final class SQLiteDatabase: Sendable {
    private struct Lane: Sendable {
        let thread: BlockingIOPool
        let connection: ConfinedConnection
    }

    /// The database file.
    public let path: String
    private let writer: Lane
    private let readers: [Lane]
    private let nextReader = Atomic<Int>(0)

    /// Opens (creating if needed) the database at `path` with `readers` read-only connections.
    public init(path: String, readers: Int = 2, busyTimeout: Duration = .seconds(5)) async throws(SQLiteError) {
        self.path = path
        let writerThread = BlockingIOPool(name: "sqlite-writer", threads: 1, maximumQueuedJobs: 4_096)
        let opened: Result<SQLiteConnection, SQLiteError> = await Self.open(on: writerThread) { () throws(SQLiteError) in
            try SQLiteConnection(path: path, busyTimeout: busyTimeout)
        }
        guard case .success(let writerConnection) = opened else {
            writerThread.shutdown()
            if case .failure(let error) = opened { throw error }
            throw SQLiteError(code: SQLITE_ERROR, message: "cannot open \(path)")
        }
        writer = Lane(thread: writerThread, connection: ConfinedConnection(writerConnection))
        var lanes: [Lane] = []
        for index in 0..<max(1, readers) {
            let thread = BlockingIOPool(name: "sqlite-reader-\(index)", threads: 1, maximumQueuedJobs: 4_096)
            let reader: Result<SQLiteConnection, SQLiteError> = await Self.open(on: thread) { () throws(SQLiteError) in
                try SQLiteConnection(path: path, readOnly: true, busyTimeout: busyTimeout)
            }
            switch reader {
            case .success(let connection): lanes.append(Lane(thread: thread, connection: ConfinedConnection(connection)))
            case .failure(let error):
                thread.shutdown()
                for lane in lanes { lane.thread.shutdown() }
                writerThread.shutdown()
                throw error
            }
        }
        self.readers = lanes
    }

    private static func open(
        on thread: BlockingIOPool, _ body: @escaping @Sendable () throws(SQLiteError) -> SQLiteConnection
    ) async -> Result<SQLiteConnection, SQLiteError> {
        do {
            let connection = try await thread.run { (_) throws(SQLiteError) -> ConfinedConnection in ConfinedConnection(try body()) }
            return .success(connection.value)
        } catch {
            return .failure(Self.map(error))
        }
    }

    /// Runs `body` in a write transaction on the writer connection (rolled back if it throws). An `urgent`
    /// write goes before the writes already waiting (one a client waits for, ahead of background work).
    public func write<T: Sendable>(
        timeout: Duration? = nil, urgent: Bool = false, _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(SQLiteError) -> T {
        try await run(on: writer, timeout: timeout, urgent: urgent) { (connection) throws(SQLiteError) -> T in
            try connection.transaction(body)
        }
    }

    /// Runs `body` on the writer connection without opening a transaction (pragmas, `VACUUM`, scripts).
    public func withWriter<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(SQLiteError) -> T {
        try await run(on: writer, timeout: timeout, body)
    }

    /// Runs `body` on one of the read-only connections (a consistent snapshot for its duration when it
    /// opens a transaction itself, one per statement otherwise).
    public func read<T: Sendable>(
        timeout: Duration? = nil, _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(SQLiteError) -> T {
        let lane = readers[nextReader.add(1, ordering: .relaxed).oldValue % readers.count]
        return try await run(on: lane, timeout: timeout, body)
    }

    /// Applies the migrations newer than the database's `user_version`, each in its own transaction.
    /// Returns the version the database is at afterwards.
    @discardableResult
    public func migrate(_ migrations: [SQLiteMigration]) async throws(SQLiteError) -> Int {
        let ordered = migrations.sorted { $0.version < $1.version }
        return try await withWriter { (connection) throws(SQLiteError) -> Int in
            var current = try connection.query("PRAGMA user_version").first?.int(0) ?? 0
            for migration in ordered where migration.version > current {
                try connection.transaction { (connection) throws(SQLiteError) in
                    for statement in migration.statements { try connection.executeScript(statement) }
                    try connection.execute("PRAGMA user_version = \(migration.version)")
                }
                current = migration.version
            }
            return current
        }
    }

    /// Closes the connections after the jobs already queued.
    public func close() {
        for lane in readers + [writer] { lane.thread.shutdown() }
    }

    private func run<T: Sendable>(
        on lane: Lane, timeout: Duration?, urgent: Bool = false, _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(SQLiteError) -> T {
        let connection = lane.connection
        do {
            return try await lane.thread.run(timeout: timeout, urgent: urgent) { (job) throws(SQLiteError) -> T in
                job.onCancel { connection.value.interrupt() }
                return try body(connection.value)
            }
        } catch {
            throw Self.map(error)
        }
    }

    private static func map(_ error: BlockingIOError<SQLiteError>) -> SQLiteError {
        switch error {
        case .failed(let failure): return failure
        case .cancelled: return SQLiteError(code: SQLITE_INTERRUPT, message: "the statement was cancelled")
        case .timedOut: return SQLiteError(code: SQLITE_INTERRUPT, message: "the statement timed out")
        case .rejected(let reason): return SQLiteError(code: SQLITE_BUSY, message: "the database is overloaded: \(reason)")
        }
    }
}

/// A connection only its lane's single thread touches (and `interrupt()`, which SQLite allows from any thread).
final class ConfinedConnection: @unchecked Sendable {
    // Confinement, not a lock: every use happens inside a job of the lane's one-thread pool.
    let value: SQLiteConnection
    init(_ value: SQLiteConnection) { self.value = value }
}
