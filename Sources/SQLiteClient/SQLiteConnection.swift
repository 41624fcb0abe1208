import CSQLite

/// One SQLite connection with a cache of prepared statements.
///
/// Not thread-safe and blocking: a ``SQLiteDatabase`` confines each connection to one dedicated thread and
/// lends it to jobs there. Only ``interrupt()`` may be called from another thread.
public final class SQLiteConnection {
    private let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    /// The file the connection opened.
    public let path: String

    /// Opens (creating if needed) the database at `path`, in WAL mode with foreign keys on.
    public init(path: String, readOnly: Bool = false, busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        self.path = path
        var pointer: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let code = sqlite3_open_v2(path, &pointer, flags, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let pointer { sqlite3_close_v2(pointer) }
            throw SQLiteError(code: code, message: "cannot open \(path): \(message)")
        }
        handle = pointer
        sqlite3_extended_result_codes(handle, 1)
        let milliseconds = busyTimeout.components.seconds * 1_000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        do {
            if !readOnly { _ = try query("PRAGMA journal_mode=WAL") }
            try execute("PRAGMA foreign_keys=ON")
            if !readOnly { try execute("PRAGMA synchronous=NORMAL") }
        } catch {
            sqlite3_close_v2(handle)
            throw error
        }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Stops the statement running on this connection (it fails with `SQLITE_INTERRUPT`). Thread-safe.
    public func interrupt() { sqlite3_interrupt(handle) }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs a statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        try withStatement(sql, bindings) { (statement) throws(SQLiteError) in
            while try step(statement, sql) {}
        }
        return changes
    }

    /// Runs several statements separated by semicolons, without parameters (schema scripts).
    public func executeScript(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, sql: sql)
        }
    }

    /// Runs a query and returns every row.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(SQLiteError) -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        try forEachRow(sql, bindings) { rows.append($0) }
        return rows
    }

    /// Runs a query and calls `body` with each row as it is read (no array of all rows).
    public func forEachRow(
        _ sql: String, _ bindings: [SQLiteValue] = [], _ body: (SQLiteRow) throws(SQLiteError) -> Void
    ) throws(SQLiteError) {
        try withStatement(sql, bindings) { (statement) throws(SQLiteError) in
            let columns = sqlite3_column_count(statement)
            while try step(statement, sql) {
                var values: [SQLiteValue] = []
                values.reserveCapacity(Int(columns))
                for column in 0..<columns { values.append(Self.value(statement, column)) }
                try body(SQLiteRow(values: values))
            }
        }
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE`, so writers queue on the lock up front); rolls
    /// back if it throws.
    public func transaction<T>(_ body: (SQLiteConnection) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do throws(SQLiteError) {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    // MARK: Statements

    private func withStatement(
        _ sql: String, _ bindings: [SQLiteValue], _ body: (OpaquePointer) throws(SQLiteError) -> Void
    ) throws(SQLiteError) {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        let expected = Int(sqlite3_bind_parameter_count(statement))
        guard expected == bindings.count else {
            throw SQLiteError(code: SQLITE_RANGE, message: "the statement takes \(expected) parameters, \(bindings.count) given", sql: sql)
        }
        for (offset, value) in bindings.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let number): code = sqlite3_bind_int64(statement, index, number)
            case .real(let number): code = sqlite3_bind_double(statement, index, number)
            case .text(let text):
                code = text.withCString { pointer in
                    CSQLite_bind_text_transient(statement, index, pointer, Int32(clamping: text.utf8.count))
                }
            case .blob(let bytes):
                code = bytes.withUnsafeBytes { raw in
                    // A zero-length blob needs a non-null pointer to stay a blob rather than NULL.
                    CSQLite_bind_blob_transient(statement, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(clamping: raw.count))
                }
            }
            guard code == SQLITE_OK else { throw error(code, sql) }
        }
        try body(statement)
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, sql) }
        if statements.count >= 256, let evicted = statements.first {
            sqlite3_finalize(evicted.value)
            statements[evicted.key] = nil
        }
        statements[sql] = statement
        return statement
    }

    /// Advances the statement: true when a row is ready, false when it is done.
    private func step(_ statement: OpaquePointer, _ sql: String) throws(SQLiteError) -> Bool {
        let code = sqlite3_step(statement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw error(code, sql)
        }
    }

    private func error(_ code: Int32, _ sql: String) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle) != 0 ? sqlite3_extended_errcode(handle) : code,
                    message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard let pointer = sqlite3_column_text(statement, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default:
            return .null
        }
    }
}
