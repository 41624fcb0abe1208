import CPostgreSQL
import Foundation
import Synchronization

/// One libpq connection. Its calls block, so it is only ever used from its pool's dedicated thread,
/// never from an event loop or Swift's cooperative pool.
final class PostgresConnection {
    private var handle: OpaquePointer?
    let url: String

    init(url: String) { self.url = url }

    deinit { if let handle { PQfinish(handle) } }

    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Connects (or reconnects) if needed.
    func ensureConnected() throws(PostgresError) {
        if isConnected { return }
        if let handle { PQfinish(handle) }
        // A short connect timeout keeps a dead server from stalling callers for long.
        let connection = PQconnectdb(url.contains("connect_timeout") ? url : Self.withTimeout(url))
        handle = connection
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            throw PostgresError(isConnectionFailure: true, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        _ = PQsetClientEncoding(connection, "UTF8")
    }

    private static func withTimeout(_ url: String) -> String {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return url + (url.contains("?") ? "&" : "?") + "connect_timeout=3"
        }
        return url + " connect_timeout=3"
    }

    /// A handle that cancels the statement running on this connection from another thread (`PQcancel`);
    /// nil when not connected. Release it when the statement is over.
    func cancelHandle() -> PostgresCancelHandle? {
        guard let handle, let cancel = PQgetCancel(handle) else { return nil }
        return PostgresCancelHandle(cancel)
    }

    /// Runs one statement with text parameters and returns its rows as text (nil for SQL NULL).
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        try ensureConnected()
        guard let handle else { throw PostgresError(isConnectionFailure: true, message: "not connected") }
        var cStrings: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { for pointer in cStrings { free(pointer) } }
        let result = cStrings.withUnsafeMutableBufferPointer { buffer -> OpaquePointer? in
            buffer.baseAddress?.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { values in
                PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            } ?? PQexec(handle, sql)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let lost = PQstatus(handle) != CONNECTION_OK
            let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            let state = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
            throw PostgresError(isConnectionFailure: lost, sqlState: state, message: message)
        }
        var rows: [[String?]] = []
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            for column in 0..<columnCount {
                values.append(PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(values)
        }
        return rows
    }
}

/// libpq's cancel object for one running statement; safe to use from any thread (`PQcancel` is).
final class PostgresCancelHandle: @unchecked Sendable {
    // PGcancel is documented as thread-safe for PQcancel; freed once, by release().
    private let cancelObject: OpaquePointer
    private let released = Mutex(false)

    init(_ cancelObject: OpaquePointer) { self.cancelObject = cancelObject }

    /// Asks the server to cancel the statement (best effort).
    func cancel() {
        released.withLock { released in
            guard !released else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelObject, &buffer, Int32(buffer.count))
        }
    }

    /// Frees the cancel object; later ``cancel()`` calls do nothing.
    func release() {
        released.withLock { released in
            guard !released else { return }
            released = true
            PQfreeCancel(cancelObject)
        }
    }
}
