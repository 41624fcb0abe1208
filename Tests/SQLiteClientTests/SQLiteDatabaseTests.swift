import CSQLite
import Foundation
import Testing
@testable import SQLiteClient

/// A database file in a temporary directory, removed afterwards.
struct TemporaryDatabase {
    let directory = NSTemporaryDirectory() + "sqlite-test-" + UUID().uuidString.prefix(8)
    var path: String { "\(directory)/test.db" }
    init() { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
    func cleanup() { try? FileManager.default.removeItem(atPath: directory) }
}

@Suite struct SQLiteDatabaseTests {
    static let schema = [
        SQLiteMigration(version: 1, statements: [
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (tenant, body))",
        ]),
        SQLiteMigration(version: 2, statements: ["ALTER TABLE notes ADD COLUMN vector BLOB"]),
    ]

    @Test func migrations_RunOnce_InOrder() async throws {
        let file = TemporaryDatabase()
        defer { file.cleanup() }
        let database = try await SQLiteDatabase(path: file.path)
        #expect(try await database.migrate(Self.schema) == 2)
        #expect(try await database.migrate(Self.schema) == 2)
        database.close()
        // A new process (a new database object) finds the schema in place.
        let reopened = try await SQLiteDatabase(path: file.path)
        defer { reopened.close() }
        #expect(try await reopened.migrate(Self.schema) == 2)
        let columns = try await reopened.read { (connection) throws(SQLiteError) in
            try connection.query("PRAGMA table_info(notes)").compactMap { $0.text(1) }
        }
        #expect(columns == ["id", "tenant", "body", "vector"])
    }

    @Test func writes_AreTransactions_AndAFailureLeavesNothingBehind() async throws {
        let file = TemporaryDatabase()
        defer { file.cleanup() }
        let database = try await SQLiteDatabase(path: file.path)
        defer { database.close() }
        try await database.migrate(Self.schema)
        _ = try await database.write { (connection) throws(SQLiteError) in
            try connection.execute("INSERT INTO notes (tenant, body) VALUES (?, ?)", ["benova", "uno"])
        }
        do {
            try await database.write { (connection) throws(SQLiteError) in
                try connection.execute("INSERT INTO notes (tenant, body) VALUES (?, ?)", ["benova", "dos"])
                try connection.execute("INSERT INTO notes (tenant, body) VALUES (?, ?)", ["benova", "uno"])  // duplicate
            }
            Issue.record("the duplicate was accepted")
        } catch {
            #expect(error.isConstraintViolation)
        }
        let bodies = try await database.read { (connection) throws(SQLiteError) in
            try connection.query("SELECT body FROM notes ORDER BY id").compactMap { $0.text(0) }
        }
        #expect(bodies == ["uno"])
    }

    @Test func values_RoundTrip_BlobsIncluded() async throws {
        let file = TemporaryDatabase()
        defer { file.cleanup() }
        let database = try await SQLiteDatabase(path: file.path)
        defer { database.close() }
        try await database.migrate(Self.schema)
        let vector: [Float] = [0.25, -1.5, 3.125]
        let bytes = vector.withUnsafeBytes { Array($0) }
        let id = try await database.write { (connection) throws(SQLiteError) -> Int64 in
            try connection.execute("INSERT INTO notes (tenant, body, vector) VALUES (?, ?, ?)",
                                   ["medispa", .text("ñandú ✓ \u{0}"), .blob(bytes)])
            return connection.lastInsertRowID
        }
        let row = try #require(try await database.read { (connection) throws(SQLiteError) in
            try connection.query("SELECT tenant, body, vector, id FROM notes WHERE id = ?", [.integer(id)]).first
        })
        #expect(row.text(0) == "medispa" && row.text(1) == "ñandú ✓ \u{0}" && row.integer(3) == id)
        let decoded = try #require(row.blob(2)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(decoded == vector)
        await #expect(throws: SQLiteError.self) {
            try await database.read { (connection) throws(SQLiteError) in try connection.query("SELECT ?", [1, 2]) }
        }
    }

    @Test func aSlowStatement_IsInterruptedWhenItsCallerTimesOut() async throws {
        let file = TemporaryDatabase()
        defer { file.cleanup() }
        let database = try await SQLiteDatabase(path: file.path)
        defer { database.close() }
        let start = ContinuousClock.now
        do {
            _ = try await database.read(timeout: .milliseconds(100)) { (connection) throws(SQLiteError) in
                // Counts to a billion: seconds of work unless interrupted.
                try connection.query("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000) SELECT count(*) FROM n")
            }
            Issue.record("the statement should have been interrupted")
        } catch {
            #expect(error.isInterrupted)
        }
        // Uninterrupted, the count takes minutes.
        #expect(ContinuousClock.now - start < .seconds(20))
        // The connection is usable again right after.
        let answer = try await database.read { (connection) throws(SQLiteError) in try connection.query("SELECT 42").first?.int(0) }
        #expect(answer == 42)
    }

    @Test func readers_SeeCommittedData_WhileAWriteIsOpen() async throws {
        let file = TemporaryDatabase()
        defer { file.cleanup() }
        let database = try await SQLiteDatabase(path: file.path, readers: 2)
        defer { database.close() }
        try await database.migrate(Self.schema)
        try await database.write { (connection) throws(SQLiteError) in
            for index in 0..<100 { try connection.execute("INSERT INTO notes (tenant, body) VALUES ('t', ?)", [.text("n\(index)")]) }
        }
        async let slowWrite: Void = database.write { (connection) throws(SQLiteError) in
            try connection.execute("INSERT INTO notes (tenant, body) VALUES ('t', 'pending')")
            // Hold the write transaction open for a while (WAL readers do not wait for it).
            _ = try connection.query("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 300000) SELECT count(*) FROM n")
        }
        let count = try await database.read { (connection) throws(SQLiteError) in
            try connection.query("SELECT count(*) FROM notes").first?.int(0)
        }
        #expect(count == 100 || count == 101)
        try await slowWrite
        let streamed = try await database.read { (connection) throws(SQLiteError) -> Int in
            var seen = 0
            try connection.forEachRow("SELECT body FROM notes") { _ in seen += 1 }
            return seen
        }
        #expect(streamed == 101)
    }
}
