import Foundation
import SQLiteClient
import Synchronization
import TenantStorage
import Wire

/// The embedded inbox: one SQLite database (WAL), `company_id` in every key. Acceptance is one
/// `INSERT … ON CONFLICT DO NOTHING` on the (company, de-duplication key) unique index, so two deliveries
/// of one event can never both be stored; a claim is one write transaction that picks each conversation's
/// oldest unfinished event and leases it.
public final class SQLiteWebhookInbox: WebhookInbox {
    private let database: SQLiteDatabase
    /// How long processed events (and their outbox) are kept for the admin view.
    let retention: TimeInterval
    /// When the retention was last enforced (seconds since 1970).
    private let lastCleanup = Mutex<TimeInterval>(0)

    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(version: 1, statements: [
            """
            CREATE TABLE webhook_events (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                company_id TEXT NOT NULL, id TEXT NOT NULL, dedupe_key TEXT NOT NULL,
                kind TEXT NOT NULL, event TEXT NOT NULL, account_id TEXT NOT NULL, conversation_id INTEGER NOT NULL, message_id INTEGER,
                user_id TEXT, content TEXT, status TEXT,
                state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, received_at REAL NOT NULL, updated_at REAL NOT NULL,
                next_attempt_at REAL NOT NULL, lease_until REAL, last_error TEXT, outcome TEXT, body BLOB NOT NULL,
                UNIQUE (company_id, dedupe_key), UNIQUE (company_id, id)
            )
            """,
            "CREATE INDEX webhook_events_due ON webhook_events (state, next_attempt_at) WHERE state IN ('pending', 'processing')",
            """
            CREATE INDEX webhook_events_conversation ON webhook_events (company_id, account_id, conversation_id, sequence)
                WHERE state IN ('pending', 'processing')
            """,
            "CREATE INDEX webhook_events_by_state ON webhook_events (company_id, state, sequence)",
            "CREATE INDEX webhook_events_finished ON webhook_events (updated_at) WHERE state = 'done'",
            """
            CREATE TABLE webhook_outbox (company_id TEXT NOT NULL, event_id TEXT NOT NULL, step TEXT NOT NULL, state TEXT NOT NULL,
                payload TEXT, updated_at REAL NOT NULL, PRIMARY KEY (company_id, event_id, step)) WITHOUT ROWID
            """,
            """
            CREATE TABLE chatwoot_conversations (company_id TEXT NOT NULL, account_id TEXT NOT NULL, conversation_id INTEGER NOT NULL,
                status TEXT, human_active INTEGER NOT NULL DEFAULT 0, updated_at REAL NOT NULL,
                PRIMARY KEY (company_id, account_id, conversation_id)) WITHOUT ROWID
            """,
        ]),
        SQLiteMigration(version: 2, statements: ["ALTER TABLE webhook_outbox ADD COLUMN writer TEXT"]),
        // The claim walks unfinished events in arrival order and stops at the first it may take (a backlog of
        // thousands costs a few index steps, not a sort).
        SQLiteMigration(version: 3, statements: [
            "CREATE INDEX webhook_events_open ON webhook_events (sequence) WHERE state IN ('pending', 'processing')",
        ]),
        // A patient's export and erasure find their events directly.
        SQLiteMigration(version: 4, statements: [
            "CREATE INDEX webhook_events_by_user ON webhook_events (company_id, user_id, sequence) WHERE user_id IS NOT NULL",
        ]),
    ]

    public init(path: String, retention: TimeInterval = 7 * 86_400) async throws(WebhookInboxError) {
        self.retention = retention
        do {
            database = try await SQLiteDatabase.open(path: path, migrations: Self.migrations)
        } catch {
            throw WebhookInboxError("cannot open the webhook inbox \(path): \(error)")
        }
    }

    public func close() { database.close() }

    static let columns = """
        company_id, id, kind, event, account_id, conversation_id, message_id, user_id, content, status, dedupe_key, state, attempts,
        received_at, updated_at, next_attempt_at, last_error, outcome, body
        """

    /// ``columns`` with an empty payload in its place.
    static let columnsWithoutBody = columns.replacingOccurrences(of: "outcome, body", with: "outcome, x'' AS body")

    static func event(_ row: SQLiteRow) -> InboxEvent? {
        guard let company = row.text(0).flatMap(CompanyID.init), let id = row.text(1), let kind = row.text(2).flatMap(ChatwootEvent.Kind.init),
              let name = row.text(3), let account = row.text(4), let conversation = row.int(5), let key = row.text(10) else { return nil }
        let event = ChatwootEvent(kind: kind, event: name, accountID: account, conversationID: conversation, messageID: row.int(6), userID: row.text(7),
                                  content: row.text(8), status: row.text(9), deduplicationKey: key)
        return InboxEvent(id: id, companyID: company, event: event, state: WebhookEventState(rawValue: row.text(11) ?? "") ?? .unknown,
                          attempts: row.int(12) ?? 0, receivedAt: Date(timeIntervalSince1970: row.real(13) ?? 0),
                          updatedAt: Date(timeIntervalSince1970: row.real(14) ?? 0), nextAttemptAt: row.real(15).map(Date.init(timeIntervalSince1970:)),
                          lastError: row.text(16), outcome: row.text(17), body: row.blob(18) ?? [])
    }

    public func accept(_ event: ChatwootEvent, body: [UInt8], at time: Date, in scope: TenantScope) async throws(WebhookInboxError) -> InboxAcceptance {
        let company = scope.companyID.rawValue
        let id = UUID().uuidString.lowercased()
        let stamp = time.timeIntervalSince1970
        // Urgent: Chatwoot waits for this answer; the processor's writes wait behind it.
        return try await writing(urgent: true) { (connection) throws(SQLiteError) -> InboxAcceptance in
            let inserted = try connection.execute(
                """
                INSERT INTO webhook_events (company_id, id, dedupe_key, kind, event, account_id, conversation_id, message_id, user_id, content, status,
                    state, received_at, updated_at, next_attempt_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (company_id, dedupe_key) DO NOTHING
                """,
                [.text(company), .text(id), .text(event.deduplicationKey), .text(event.kind.rawValue), .text(event.event), .text(event.accountID),
                 .integer(event.conversationID), event.messageID.map { .integer($0) } ?? .null, .text(event.userID), .text(event.content),
                 .text(event.status), .real(stamp), .real(stamp), .real(stamp), .blob(body)])
            if inserted > 0 { return .stored(id) }
            let first = try connection.query("SELECT id FROM webhook_events WHERE company_id = ? AND dedupe_key = ?",
                                             [.text(company), .text(event.deduplicationKey)]).first?.text(0)
            return .duplicate(first ?? "")
        }
    }

    public func claim(limit: Int, lease: Duration, at time: Date) async throws(WebhookInboxError) -> [InboxEvent] {
        let now = time.timeIntervalSince1970
        let leaseUntil = now + Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18
        let cutoff = now - retention
        // The retention is enforced at most once a minute (the outbox's deletion scans its table).
        let cleanupDue = lastCleanup.withLock { last -> Bool in
            guard now - last >= 60 else { return false }
            last = now
            return true
        }
        return try await writing { (connection) throws(SQLiteError) -> [InboxEvent] in
            let rows = try connection.query(
                """
                SELECT \(Self.columns) FROM webhook_events AS e INDEXED BY webhook_events_open
                WHERE e.state IN ('pending', 'processing')
                  AND ((e.state = 'pending' AND e.next_attempt_at <= ?1) OR (e.state = 'processing' AND e.lease_until <= ?1))
                  AND NOT EXISTS (SELECT 1 FROM webhook_events AS o WHERE o.company_id = e.company_id AND o.account_id = e.account_id
                                  AND o.conversation_id = e.conversation_id AND o.state IN ('pending', 'processing') AND o.sequence < e.sequence)
                  AND NOT EXISTS (SELECT 1 FROM webhook_events AS o WHERE o.company_id = e.company_id AND o.account_id = e.account_id
                                  AND o.conversation_id = e.conversation_id AND o.state IN ('pending', 'processing') AND o.sequence > e.sequence
                                  AND o.state = 'processing' AND o.lease_until > ?1)
                ORDER BY e.sequence LIMIT ?2
                """, [.real(now), .integer(limit)])
            var claimed: [InboxEvent] = []
            for row in rows {
                guard var event = Self.event(row) else { continue }
                _ = try connection.execute(
                    "UPDATE webhook_events SET state = 'processing', lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE company_id = ? AND id = ?",
                    [.real(leaseUntil), .real(now), .text(event.companyID.rawValue), .text(event.id)])
                event.state = .processing
                event.attempts += 1
                let company = event.companyID.rawValue
                event.claimed = ClaimedState(
                    outbox: try Self.outbox(event.id, company: company, connection),
                    conversation: try Self.conversationState(company: company, account: event.event.accountID, conversation: event.event.conversationID,
                                                             connection))
                claimed.append(event)
            }
            if claimed.isEmpty && cleanupDue {
                // Idle, and not cleaned for a while: drop what is past the retention.
                _ = try connection.execute("DELETE FROM webhook_events WHERE state = 'done' AND updated_at < ?", [.real(cutoff)])
                // Only the outbox of events that are done or gone (a dead letter may still be retried).
                _ = try connection.execute(
                    """
                    DELETE FROM webhook_outbox WHERE updated_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_events AS e
                        WHERE e.company_id = webhook_outbox.company_id AND e.id = webhook_outbox.event_id AND e.state != 'done')
                    """, [.real(cutoff)])
            }
            return claimed
        }
    }

    /// The database is this instance's own (SQLite is embedded), so every event in `processing` is an orphan.
    public func releaseOrphanedClaims(at time: Date) async throws(WebhookInboxError) -> Int {
        try await writing { (connection) throws(SQLiteError) -> Int in
            try connection.execute("UPDATE webhook_events SET state = 'pending', lease_until = NULL, next_attempt_at = ? WHERE state = 'processing'",
                                   [.real(time.timeIntervalSince1970)])
        }
    }

    public func complete(_ id: String, attempt: Int?, outcome: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        let company = scope.companyID.rawValue
        let (fence, fenceBindings) = Self.fence(attempt)
        try await writing { (connection) throws(SQLiteError) in
            _ = try connection.execute(
                "UPDATE webhook_events SET state = 'done', outcome = ?, lease_until = NULL, updated_at = ? WHERE company_id = ? AND id = ?\(fence)",
                [.text(String(outcome.prefix(500))), .real(time.timeIntervalSince1970), .text(company), .text(id)] + fenceBindings)
        }
    }

    public func fail(_ id: String, attempt: Int?, error: String, retryAt: Date?, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        try await markFailed(id, company: scope.companyID, attempt: attempt, error: error, retryAt: retryAt, at: time)
    }

    public func abandon(_ id: String, companyID: CompanyID, reason: String, at time: Date) async throws(WebhookInboxError) {
        try await markFailed(id, company: companyID, attempt: nil, error: reason, retryAt: nil, at: time)
    }

    /// The condition that keeps a stale worker's update from applying: the event is still in the claim it made.
    static func fence(_ attempt: Int?) -> (String, [SQLiteValue]) {
        guard let attempt else { return ("", []) }
        return (" AND state = 'processing' AND attempts = ?", [.integer(attempt)])
    }

    private func markFailed(_ id: String, company: CompanyID, attempt: Int?, error: String, retryAt: Date?, at time: Date) async throws(WebhookInboxError) {
        let stamp = time.timeIntervalSince1970
        let (fence, fenceBindings) = Self.fence(attempt)
        try await writing { (connection) throws(SQLiteError) in
            _ = try connection.execute(
                """
                UPDATE webhook_events SET state = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?
                WHERE company_id = ? AND id = ? AND outcome IS NOT 'erased'\(fence)
                """,
                [.text(retryAt == nil ? "dead" : "pending"), .text(String(error.prefix(500))), .real(retryAt?.timeIntervalSince1970 ?? stamp),
                 .real(stamp), .text(company.rawValue), .text(id)] + fenceBindings)
        }
    }

    public func outbox(_ eventID: String, in scope: TenantScope) async throws(WebhookInboxError) -> [String: OutboxStep] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [String: OutboxStep] in try Self.outbox(eventID, company: company, connection) }
    }

    static func outbox(_ eventID: String, company: String, _ connection: SQLiteConnection) throws(SQLiteError) -> [String: OutboxStep] {
        var steps: [String: OutboxStep] = [:]
        for row in try connection.query("SELECT step, state, payload, writer FROM webhook_outbox WHERE company_id = ? AND event_id = ?",
                                        [.text(company), .text(eventID)]) {
            guard let step = row.text(0), let state = row.text(1).flatMap(OutboxStep.State.init) else { continue }
            steps[step] = OutboxStep(state: state, payload: row.text(2), writer: row.text(3))
        }
        return steps
    }

    public func recordOutbox(_ eventID: String, steps: [(name: String, step: OutboxStep)], at time: Date,
                             in scope: TenantScope) async throws(WebhookInboxError) {
        let company = scope.companyID.rawValue
        let stamp = time.timeIntervalSince1970
        try await writing { (connection) throws(SQLiteError) in
            for (name, value) in steps {
                _ = try connection.execute(
                    """
                    INSERT INTO webhook_outbox (company_id, event_id, step, state, payload, writer, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (company_id, event_id, step) DO UPDATE SET state = excluded.state, payload = excluded.payload, writer = excluded.writer,
                        updated_at = excluded.updated_at
                    """, [.text(company), .text(eventID), .text(name), .text(value.state.rawValue), .text(value.payload), .text(value.writer),
                          .real(stamp)])
            }
        }
    }

    public func clearOutbox(_ eventID: String, step: String, in scope: TenantScope) async throws(WebhookInboxError) {
        let company = scope.companyID.rawValue
        try await writing { (connection) throws(SQLiteError) in
            _ = try connection.execute("DELETE FROM webhook_outbox WHERE company_id = ? AND event_id = ? AND step = ?",
                                       [.text(company), .text(eventID), .text(step)])
        }
    }

    public func conversationState(account: String, conversation: Int, in scope: TenantScope) async throws(WebhookInboxError) -> ChatwootConversationState {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> ChatwootConversationState in
            try Self.conversationState(company: company, account: account, conversation: conversation, connection)
        }
    }

    static func conversationState(company: String, account: String, conversation: Int,
                                  _ connection: SQLiteConnection) throws(SQLiteError) -> ChatwootConversationState {
        guard let row = try connection.query(
            "SELECT status, human_active FROM chatwoot_conversations WHERE company_id = ? AND account_id = ? AND conversation_id = ?",
            [.text(company), .text(account), .integer(conversation)]).first else { return ChatwootConversationState() }
        return ChatwootConversationState(status: row.text(0), humanActive: (row.int(1) ?? 0) != 0)
    }

    public func setConversationState(_ state: ChatwootConversationState, account: String, conversation: Int, at time: Date,
                                     in scope: TenantScope) async throws(WebhookInboxError) {
        let company = scope.companyID.rawValue
        try await writing { (connection) throws(SQLiteError) in
            _ = try connection.execute(
                """
                INSERT INTO chatwoot_conversations (company_id, account_id, conversation_id, status, human_active, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (company_id, account_id, conversation_id) DO UPDATE SET status = excluded.status, human_active = excluded.human_active,
                    updated_at = excluded.updated_at
                """, [.text(company), .text(account), .integer(conversation), .text(state.status), .integer(state.humanActive ? 1 : 0),
                      .real(time.timeIntervalSince1970)])
        }
    }

    public func list(state: WebhookEventState?, offset: Int, limit: Int, in scope: TenantScope) async throws(WebhookInboxError) -> (total: Int, events: [InboxEvent]) {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> (total: Int, events: [InboxEvent]) in
            let filter = state == nil ? "" : " AND state = ?"
            var bindings: [SQLiteValue] = [.text(company)]
            if let state { bindings.append(.text(state.rawValue)) }
            let total = try connection.query("SELECT COUNT(*) FROM webhook_events WHERE company_id = ?\(filter)", bindings).first?.int(0) ?? 0
            let rows = try connection.query(
                "SELECT \(Self.columns) FROM webhook_events WHERE company_id = ?\(filter) ORDER BY sequence DESC LIMIT ? OFFSET ?",
                bindings + [.integer(limit), .integer(offset)])
            return (total, rows.compactMap(Self.event))
        }
    }

    public func counts(in scope: TenantScope) async throws(WebhookInboxError) -> [WebhookEventState: Int] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [WebhookEventState: Int] in
            var counts: [WebhookEventState: Int] = [.pending: 0, .processing: 0, .done: 0, .dead: 0]
            for row in try connection.query("SELECT state, COUNT(*) FROM webhook_events WHERE company_id = ? GROUP BY state", [.text(company)]) {
                if let state = row.text(0).flatMap(WebhookEventState.init(rawValue:)) { counts[state] = row.int(1) ?? 0 }
            }
            return counts
        }
    }

    public func event(_ id: String, in scope: TenantScope) async throws(WebhookInboxError) -> InboxEvent? {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> InboxEvent? in
            try connection.query("SELECT \(Self.columns) FROM webhook_events WHERE company_id = ? AND id = ?", [.text(company), .text(id)])
                .first.flatMap(Self.event)
        }
    }

    public func retry(_ id: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) -> InboxEvent? {
        let company = scope.companyID.rawValue
        let stamp = time.timeIntervalSince1970
        return try await writing { (connection) throws(SQLiteError) -> InboxEvent? in
            _ = try connection.execute(
                """
                UPDATE webhook_events SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
                WHERE company_id = ? AND id = ? AND state IN ('dead', 'pending') AND outcome IS NOT 'erased'
                """, [.real(stamp), .real(stamp), .text(company), .text(id)])
            return try connection.query("SELECT \(Self.columns) FROM webhook_events WHERE company_id = ? AND id = ?", [.text(company), .text(id)])
                .first.flatMap(Self.event)
        }
    }

    public func purge(_ scope: TenantScope) async throws(WebhookInboxError) -> Int {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int in
            let removed = try connection.execute("DELETE FROM webhook_events WHERE company_id = ?", [.text(company)])
            _ = try connection.execute("DELETE FROM webhook_outbox WHERE company_id = ?", [.text(company)])
            _ = try connection.execute("DELETE FROM chatwoot_conversations WHERE company_id = ?", [.text(company)])
            return removed
        }
    }

    public func events(ofUser userID: String, limit: Int, in scope: TenantScope) async throws(WebhookInboxError) -> [InboxEvent] {
        let arguments: [SQLiteValue] = [.text(scope.companyID.rawValue), .text(userID), .integer(max(1, limit))]
        return try await reading { (connection) throws(SQLiteError) -> [InboxEvent] in
            // Without the payloads (up to 256 KiB each): an export shows the text the patient sent.
            try connection.query("SELECT \(Self.columnsWithoutBody) FROM webhook_events WHERE company_id = ? AND user_id = ? ORDER BY sequence DESC LIMIT ?",
                                 arguments).compactMap(Self.event)
        }
    }

    /// The events' rows stay as tombstones (done, outcome `erased`, no user, text or payload) because the
    /// row is this store's de-duplication record; the retention removes them with the other done events.
    public func erase(userID: String, at now: Date, in scope: TenantScope) async throws(WebhookInboxError) -> (erased: Int, busy: Int) {
        let arguments: [SQLiteValue] = [.text(scope.companyID.rawValue), .text(userID), .real(now.timeIntervalSince1970)]
        let erasable = "company_id = ?1 AND user_id = ?2 AND NOT (state = 'processing' AND lease_until > ?3)"
        return try await writing { (connection) throws(SQLiteError) -> (erased: Int, busy: Int) in
            let busy = try connection.query("""
                SELECT COUNT(*) FROM webhook_events WHERE company_id = ?1 AND user_id = ?2 AND state = 'processing' AND lease_until > ?3
                """, arguments).first?.int(0) ?? 0
            _ = try connection.execute("DELETE FROM webhook_outbox WHERE company_id = ?1 AND event_id IN (SELECT id FROM webhook_events WHERE \(erasable))",
                                       arguments)
            let erased = try connection.execute("""
                UPDATE webhook_events SET user_id = NULL, content = NULL, body = x'', state = 'done', outcome = 'erased', last_error = NULL,
                    lease_until = NULL, updated_at = ?3 WHERE \(erasable)
                """, arguments)
            return (erased, busy)
        }
    }

    /// In batches of 1,000 events, one write transaction each (webhook acceptance waits behind the writer).
    public func removeFinished(before cutoff: Date, in scope: TenantScope) async throws(WebhookInboxError) -> Int {
        let arguments: [SQLiteValue] = [.text(scope.companyID.rawValue), .real(cutoff.timeIntervalSince1970), .integer(1_000)]
        var total = 0
        while true {
            let removed = try await writing { (connection) throws(SQLiteError) -> Int in
                let batch = try connection.query("""
                    SELECT sequence, id FROM webhook_events WHERE company_id = ?1 AND state IN ('done', 'dead') AND received_at < ?2 LIMIT ?3
                    """, arguments)
                for row in batch {
                    guard let sequence = row.int(0), let id = row.text(1) else { continue }
                    _ = try connection.execute("DELETE FROM webhook_outbox WHERE company_id = ? AND event_id = ?", [arguments[0], .text(id)])
                    _ = try connection.execute("DELETE FROM webhook_events WHERE sequence = ?", [.integer(sequence)])
                }
                return batch.count
            }
            total += removed
            if removed < 1_000 { return total }
        }
    }

    private func writing<T: Sendable>(urgent: Bool = false,
                                      _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T) async throws(WebhookInboxError) -> T {
        do {
            return try await database.write(urgent: urgent, body)
        } catch {
            throw WebhookInboxError("webhook inbox database: \(error.message)")
        }
    }

    private func reading<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T) async throws(WebhookInboxError) -> T {
        do {
            return try await database.read(body)
        } catch {
            throw WebhookInboxError("webhook inbox database: \(error.message)")
        }
    }
}
