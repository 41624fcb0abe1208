import Foundation
import SQLiteClient
import TenantStorage
import Wire

/// The embedded memory: one SQLite database (WAL), `company_id` in every key. An append is one write
/// transaction (insert, trim to the window, refresh the expiry); expired conversations are invisible to
/// reads and removed by the next write of the company.
public final class SQLiteConversationStore: ConversationStore {
    private let database: SQLiteDatabase

    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(version: 1, statements: [
            """
            CREATE TABLE conversations (
                company_id TEXT NOT NULL, user_id TEXT NOT NULL, last_activity REAL NOT NULL, expires_at REAL NOT NULL,
                next_sequence INTEGER NOT NULL DEFAULT 0, bot_active INTEGER NOT NULL DEFAULT 1, bot_reason TEXT, bot_changed_at REAL,
                collected TEXT NOT NULL DEFAULT '{}',
                PRIMARY KEY (company_id, user_id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX conversations_by_activity ON conversations (company_id, last_activity DESC, user_id DESC)",
            """
            CREATE TABLE messages (company_id TEXT NOT NULL, user_id TEXT NOT NULL, sequence INTEGER NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (company_id, user_id, sequence)) WITHOUT ROWID
            """,
        ]),
        SQLiteMigration(version: 2, statements: [
            """
            CREATE TABLE turns (company_id TEXT NOT NULL, timestamp REAL NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
                PRIMARY KEY (company_id, timestamp, id)) WITHOUT ROWID
            """,
        ]),
        // A patient's erasure finds their turns without reading the company's whole log.
        SQLiteMigration(version: 3, statements: [
            "CREATE INDEX turns_by_user ON turns (company_id, json_extract(body, '$.userID'))",
        ]),
        // Every write removes the company's expired conversations first: through this index it reads only those,
        // not all of the company's conversations.
        SQLiteMigration(version: 4, statements: [
            "CREATE INDEX conversations_by_expiry ON conversations (company_id, expires_at)",
        ]),
    ]

    public init(path: String) async throws(ConversationStoreError) {
        do {
            database = try await SQLiteDatabase.open(path: path, migrations: Self.migrations)
        } catch {
            throw ConversationStoreError("cannot open the memory database \(path): \(error)")
        }
    }

    public func close() { database.close() }

    /// Creates the conversation row if needed (an expired one starts over) and refreshes its expiry.
    static func touch(_ connection: SQLiteConnection, _ company: String, _ user: String, policy: MemoryPolicy, now: Date) throws(SQLiteError) {
        let stamp = now.timeIntervalSince1970
        _ = try connection.execute("DELETE FROM messages WHERE company_id = ? AND user_id IN (SELECT user_id FROM conversations WHERE company_id = ? AND expires_at <= ?)",
                                   [.text(company), .text(company), .real(stamp)])
        _ = try connection.execute("DELETE FROM conversations WHERE company_id = ? AND expires_at <= ?", [.text(company), .real(stamp)])
        _ = try connection.execute(
            """
            INSERT INTO conversations (company_id, user_id, last_activity, expires_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (company_id, user_id) DO UPDATE SET last_activity = excluded.last_activity, expires_at = excluded.expires_at
            """, [.text(company), .text(user), .real(stamp), .real(stamp + Double(policy.ttlSeconds))])
    }

    /// Inserts the messages and trims the conversation to the window, inside the caller's transaction.
    static func insert(_ messages: [ConversationMessage], _ connection: SQLiteConnection, _ company: String, _ userID: String, policy: MemoryPolicy,
                       now: Date) throws(SQLiteError) {
        try touch(connection, company, userID, policy: policy, now: now)
        var next = Int(try connection.query("SELECT next_sequence FROM conversations WHERE company_id = ? AND user_id = ?",
                                              [.text(company), .text(userID)]).first?.integer(0) ?? 0)
        for message in messages {
            _ = try connection.execute("INSERT INTO messages (company_id, user_id, sequence, body) VALUES (?, ?, ?, ?)",
                                       [.text(company), .text(userID), .integer(next), .text(ConversationMessage.encode(message))])
            next += 1
        }
        _ = try connection.execute("UPDATE conversations SET next_sequence = ? WHERE company_id = ? AND user_id = ?",
                                   [.integer(next), .text(company), .text(userID)])
        _ = try connection.execute("DELETE FROM messages WHERE company_id = ? AND user_id = ? AND sequence < ?",
                                   [.text(company), .text(userID), .integer(next - policy.window)])
    }

    /// Logs a turn and drops the ones past the retention, inside the caller's transaction.
    static func log(_ turn: ConversationTurn, _ connection: SQLiteConnection, _ company: String, retentionSeconds: Int, now: Date) throws(SQLiteError) {
        _ = try connection.execute("DELETE FROM turns WHERE company_id = ? AND timestamp < ?",
                                   [.text(company), .real(now.timeIntervalSince1970 - Double(retentionSeconds))])
        _ = try connection.execute("INSERT OR REPLACE INTO turns (company_id, timestamp, id, body) VALUES (?, ?, ?, ?)",
                                   [.text(company), .real(turn.timestamp.timeIntervalSince1970), .text(turn.id), .text(ConversationTurn.encode(turn))])
    }

    public func append(_ messages: [ConversationMessage], userID: String, policy: MemoryPolicy, at now: Date,
                       in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationMessage] {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> [ConversationMessage] in
            try Self.insert(messages, connection, company, userID, policy: policy, now: now)
            return try connection.query("SELECT body FROM messages WHERE company_id = ? AND user_id = ? ORDER BY sequence",
                                        [.text(company), .text(userID)]).compactMap { $0.text(0).flatMap(ConversationMessage.decode) }
        }
    }

    public func appendTurn(_ messages: [ConversationMessage], turn: ConversationTurn, userID: String, policy: MemoryPolicy, retentionSeconds: Int,
                           at now: Date, in scope: TenantScope) async throws(ConversationStoreError) {
        let company = scope.companyID.rawValue
        try await writing { (connection) throws(SQLiteError) in
            try Self.insert(messages, connection, company, userID, policy: policy, now: now)
            try Self.log(turn, connection, company, retentionSeconds: retentionSeconds, now: now)
        }
    }

    public func conversation(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> ConversationState {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> ConversationState in
            guard let row = try connection.query(
                "SELECT bot_active, bot_reason, bot_changed_at, collected FROM conversations WHERE company_id = ? AND user_id = ? AND expires_at > ?",
                [.text(company), .text(userID), .real(now.timeIntervalSince1970)]).first else { return ConversationState() }
            let bot = BotStatus(active: (row.int(0) ?? 1) != 0, reason: row.text(1), changedAt: row.real(2).map(Date.init(timeIntervalSince1970:)))
            let history = try connection.query("SELECT body FROM messages WHERE company_id = ? AND user_id = ? ORDER BY sequence",
                                               [.text(company), .text(userID)]).compactMap { $0.text(0).flatMap(ConversationMessage.decode) }
            return ConversationState(history: history, bot: bot, collected: ConversationState.collected(fromJSON: row.text(3)))
        }
    }

    public func history(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationMessage] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [ConversationMessage] in
            try connection.query(
                """
                SELECT m.body FROM messages m JOIN conversations c ON c.company_id = m.company_id AND c.user_id = m.user_id
                WHERE m.company_id = ? AND m.user_id = ? AND c.expires_at > ? ORDER BY m.sequence
                """, [.text(company), .text(userID), .real(now.timeIntervalSince1970)]).compactMap { $0.text(0).flatMap(ConversationMessage.decode) }
        }
    }

    public func list(offset: Int, limit: Int, policy: MemoryPolicy, at now: Date,
                     in scope: TenantScope) async throws(ConversationStoreError) -> (total: Int, conversations: [ConversationSummary]) {
        let company = scope.companyID.rawValue
        let stamp = now.timeIntervalSince1970
        return try await reading { (connection) throws(SQLiteError) -> (total: Int, conversations: [ConversationSummary]) in
            let total = try connection.query("SELECT COUNT(*) FROM conversations WHERE company_id = ? AND expires_at > ?",
                                             [.text(company), .real(stamp)]).first?.int(0) ?? 0
            let rows = try connection.query(
                """
                SELECT c.user_id, c.last_activity, c.bot_active, (SELECT COUNT(*) FROM messages m WHERE m.company_id = c.company_id AND m.user_id = c.user_id)
                FROM conversations c WHERE c.company_id = ? AND c.expires_at > ? ORDER BY c.last_activity DESC, c.user_id DESC LIMIT ? OFFSET ?
                """, [.text(company), .real(stamp), .integer(max(1, limit)), .integer(max(0, offset))])
            return (total, rows.map {
                ConversationSummary(userID: $0.text(0) ?? "", lastActivity: Date(timeIntervalSince1970: $0.real(1) ?? 0), messageCount: $0.int(3) ?? 0,
                                    botActive: ($0.int(2) ?? 1) != 0)
            })
        }
    }

    public func delete(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> Bool {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Bool in
            let existed = try connection.query("SELECT 1 FROM conversations WHERE company_id = ? AND user_id = ? AND expires_at > ?",
                                               [.text(company), .text(userID), .real(now.timeIntervalSince1970)]).first != nil
            _ = try connection.execute("DELETE FROM messages WHERE company_id = ? AND user_id = ?", [.text(company), .text(userID)])
            _ = try connection.execute("DELETE FROM conversations WHERE company_id = ? AND user_id = ?", [.text(company), .text(userID)])
            return existed
        }
    }

    public func botStatus(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> BotStatus {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> BotStatus in
            guard let row = try connection.query(
                "SELECT bot_active, bot_reason, bot_changed_at FROM conversations WHERE company_id = ? AND user_id = ? AND expires_at > ?",
                [.text(company), .text(userID), .real(now.timeIntervalSince1970)]).first else { return BotStatus() }
            return BotStatus(active: (row.int(0) ?? 1) != 0, reason: row.text(1), changedAt: row.real(2).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func setBotStatus(_ status: BotStatus, userID: String, policy: MemoryPolicy, at now: Date,
                             in scope: TenantScope) async throws(ConversationStoreError) {
        let company = scope.companyID.rawValue
        try await writing { (connection) throws(SQLiteError) in
            try Self.touch(connection, company, userID, policy: policy, now: now)
            _ = try connection.execute("UPDATE conversations SET bot_active = ?, bot_reason = ?, bot_changed_at = ? WHERE company_id = ? AND user_id = ?",
                                       [.integer(status.active ? 1 : 0), status.reason.map { .text($0) } ?? .null,
                                        .real((status.changedAt ?? now).timeIntervalSince1970), .text(company), .text(userID)])
        }
    }

    public func collectedData(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> [String: String] {
        let company = scope.companyID.rawValue
        let text = try await reading { (connection) throws(SQLiteError) -> String? in
            try connection.query("SELECT collected FROM conversations WHERE company_id = ? AND user_id = ? AND expires_at > ?",
                                 [.text(company), .text(userID), .real(now.timeIntervalSince1970)]).first?.text(0)
        }
        return ConversationState.collected(fromJSON: text)
    }

    public func setCollectedData(_ data: [String: String], userID: String, policy: MemoryPolicy, at now: Date,
                                 in scope: TenantScope) async throws(ConversationStoreError) {
        let company = scope.companyID.rawValue
        let text = String(decoding: (try? JSONEncoder().encode(data)) ?? Data("{}".utf8), as: UTF8.self)
        try await writing { (connection) throws(SQLiteError) in
            try Self.touch(connection, company, userID, policy: policy, now: now)
            _ = try connection.execute("UPDATE conversations SET collected = ? WHERE company_id = ? AND user_id = ?",
                                       [.text(text), .text(company), .text(userID)])
        }
    }

    public func recordTurn(_ turn: ConversationTurn, retentionSeconds: Int, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) {
        let company = scope.companyID.rawValue
        try await writing { (connection) throws(SQLiteError) -> Void in
            try Self.log(turn, connection, company, retentionSeconds: retentionSeconds, now: now)
        }
    }

    public func turns(from: Date, to: Date, limit: Int, in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationTurn] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [ConversationTurn] in
            try connection.query("SELECT body FROM turns WHERE company_id = ? AND timestamp >= ? AND timestamp < ? ORDER BY timestamp DESC, id DESC LIMIT ?",
                                 [.text(company), .real(from.timeIntervalSince1970), .real(to.timeIntervalSince1970), .integer(max(1, limit))])
                .compactMap { $0.text(0).flatMap(ConversationTurn.decode) }.reversed()
        }
    }

    public func purge(_ scope: TenantScope) async throws(ConversationStoreError) -> Int {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int in
            _ = try connection.execute("DELETE FROM turns WHERE company_id = ?", [.text(company)])
            _ = try connection.execute("DELETE FROM messages WHERE company_id = ?", [.text(company)])
            return try connection.execute("DELETE FROM conversations WHERE company_id = ?", [.text(company)])
        }
    }

    public func turns(ofUser userID: String, erase: Bool, in scope: TenantScope) async throws(ConversationStoreError) -> Int {
        let arguments: [SQLiteValue] = [.text(scope.companyID.rawValue), .text(userID)]
        let condition = "company_id = ? AND json_extract(body, '$.userID') = ?"
        guard erase else {
            return try await reading { (connection) throws(SQLiteError) -> Int in
                try connection.query("SELECT COUNT(*) FROM turns WHERE \(condition)", arguments).first?.int(0) ?? 0
            }
        }
        return try await writing { (connection) throws(SQLiteError) -> Int in try connection.execute("DELETE FROM turns WHERE \(condition)", arguments) }
    }

    /// In batches of ``retentionBatch`` rows, one write transaction each, so that a first sweep over years
    /// of data never holds the writer for long.
    public func removeInactive(before cutoff: Date, in scope: TenantScope) async throws(ConversationStoreError) -> (conversations: Int, turns: Int) {
        let arguments: [SQLiteValue] = [.text(scope.companyID.rawValue), .real(cutoff.timeIntervalSince1970), .integer(Self.retentionBatch)]
        var conversations = 0, turns = 0
        while true {
            let removed = try await writing { (connection) throws(SQLiteError) -> Int in
                let users = try connection.query("SELECT user_id FROM conversations WHERE company_id = ?1 AND last_activity < ?2 LIMIT ?3", arguments)
                    .compactMap { $0.text(0) }
                for user in users {
                    _ = try connection.execute("DELETE FROM messages WHERE company_id = ? AND user_id = ?", [arguments[0], .text(user)])
                    _ = try connection.execute("DELETE FROM conversations WHERE company_id = ? AND user_id = ?", [arguments[0], .text(user)])
                }
                return users.count
            }
            conversations += removed
            if removed < Self.retentionBatch { break }
        }
        while true {
            let removed = try await writing { (connection) throws(SQLiteError) -> Int in
                try connection.execute("""
                    DELETE FROM turns WHERE company_id = ?1 AND (timestamp, id) IN
                        (SELECT timestamp, id FROM turns WHERE company_id = ?1 AND timestamp < ?2 LIMIT ?3)
                    """, arguments)
            }
            turns += removed
            if removed < Self.retentionBatch { break }
        }
        return (conversations, turns)
    }

    /// The most rows one retention transaction deletes.
    static let retentionBatch = 1_000

    private func writing<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T) async throws(ConversationStoreError) -> T {
        do {
            return try await database.write(body)
        } catch {
            throw ConversationStoreError("memory database: \(error.message)")
        }
    }

    private func reading<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T) async throws(ConversationStoreError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw ConversationStoreError("memory database: \(error.message)")
        }
    }
}
