import CompanyModel
import Foundation
import PostgresClient
import Synchronization
import Wire

/// Companies in PostgreSQL ("enterprise" configuration): the original system's `companies` table extended
/// with the full settings (JSONB) and a revision, `agent_configs` holding each agent's prompts and enablement,
/// API keys (hashes only) and an audit log.
///
/// Versioned migrations are applied idempotently on first use. The pool reconnects by itself, so a
/// database restart needs no service restart; while it is down, ``ConfigManager`` keeps serving the last
/// loaded configuration and writes fail.
public final class PostgresCompanyStore: CompanyStore {
    private let pool: PostgresPool
    /// Set once migrations have run on some connection.
    private let migrated = Atomic<Bool>(false)

    public var location: String { pool.displayURL }

    /// Creates the store for `url` (`DATABASE_URL`).
    public init(url: String, poolSize: Int = 2) {
        pool = PostgresPool(url: url, size: poolSize)
    }

    /// The schema, one statement list per version. Never edit a released version: add a new one.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE IF NOT EXISTS companies (
                company_id VARCHAR(50) PRIMARY KEY,
                company_name VARCHAR(255) NOT NULL,
                business_type VARCHAR(100),
                subscription_tier VARCHAR(50) DEFAULT 'basic',
                max_documents INTEGER DEFAULT 1000,
                max_conversations INTEGER DEFAULT 10000,
                created_at TIMESTAMPTZ DEFAULT now(),
                updated_at TIMESTAMPTZ DEFAULT now(),
                is_active BOOLEAN DEFAULT true)
            """,
            """
            CREATE TABLE IF NOT EXISTS agent_configs (
                id SERIAL PRIMARY KEY,
                company_id VARCHAR(50) REFERENCES companies(company_id) ON DELETE CASCADE,
                agent_type VARCHAR(50) NOT NULL,
                configuration JSONB NOT NULL,
                is_active BOOLEAN DEFAULT true)
            """,
        ]),
        (2, [
            "ALTER TABLE companies ADD COLUMN IF NOT EXISTS revision INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE companies ADD COLUMN IF NOT EXISTS settings JSONB NOT NULL DEFAULT '{}'::jsonb",
            """
            CREATE TABLE IF NOT EXISTS api_keys (
                key_id VARCHAR(32) PRIMARY KEY,
                company_id VARCHAR(50) NOT NULL REFERENCES companies(company_id) ON DELETE CASCADE,
                name VARCHAR(100) NOT NULL,
                sha256 CHAR(64) NOT NULL,
                created_at TEXT)
            """,
            """
            CREATE TABLE IF NOT EXISTS audit_log (
                id BIGSERIAL PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                actor TEXT NOT NULL,
                company_id VARCHAR(50) NOT NULL,
                action TEXT NOT NULL,
                fields JSONB NOT NULL DEFAULT '[]'::jsonb)
            """,
            "CREATE INDEX IF NOT EXISTS audit_log_company ON audit_log (company_id, id DESC)",
            "CREATE UNIQUE INDEX IF NOT EXISTS agent_configs_company_agent ON agent_configs (company_id, agent_type)",
        ]),
    ]

    /// Applies the migrations not yet recorded in `schema_migrations`; safe to run any number of times.
    public func migrate() async throws(StoreError) {
        do {
            try await pool.transaction { (session) throws(PostgresError) in
                try session.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())")
                // Concurrent starters take turns.
                try session.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                let rows = try session.execute("SELECT version FROM schema_migrations")
                let applied = Set(rows.compactMap { row -> Int? in (row.first ?? nil).flatMap { Int($0) } })
                for migration in Self.migrations where !applied.contains(migration.version) {
                    for statement in migration.statements { try session.execute(statement) }
                    try session.execute("INSERT INTO schema_migrations (version) VALUES ($1)", [String(migration.version)])
                }
            }
        } catch {
            throw Self.storeError(error)
        }
        migrated.store(true, ordering: .releasing)
    }

    private func ensureMigrated() async throws(StoreError) {
        if !migrated.load(ordering: .acquiring) { try await migrate() }
    }

    public func loadAll() async throws(StoreError) -> [CompanyID: StoredCompany] {
        try await ensureMigrated()
        let rows: (companies: [[String?]], keys: [[String?]], agents: [[String?]])
        do {
            rows = try await pool.withConnection { (session) throws(PostgresError) in
                (try session.execute("SELECT company_id, settings::text, revision, is_active, created_at, updated_at FROM companies"),
                 try session.execute("SELECT key_id, company_id, name, sha256, created_at FROM api_keys ORDER BY key_id"),
                 try session.execute("SELECT company_id, agent_type, configuration::text, is_active FROM agent_configs"))
            }
        } catch {
            throw Self.storeError(error)
        }
        var result: [CompanyID: StoredCompany] = [:]
        for row in rows.companies {
            guard let text = row[0] ?? nil, let id = CompanyID(text), let settings = row[1] ?? nil,
                  let object = (try? JSONSerialization.jsonObject(with: Data(settings.utf8))) as? [String: Any] else {
                throw .unreadable("a companies row has an invalid company_id or settings")
            }
            var company: Company
            do {
                company = try CompanyJSONCoding.decode(Company.self, from: object, id: text)
            } catch {
                throw .unreadable("settings of \(id): \(error)")
            }
            company.revision = (row[2] ?? nil).flatMap(Int.init) ?? 1
            company.isActive = (row[3] ?? nil) == "t"
            result[id] = StoredCompany(company: company)
        }
        // Per-agent settings (prompts, enablement) live in agent_configs, as in the original schema.
        for row in rows.agents {
            guard let id = (row[0] ?? nil).flatMap(CompanyID.init), let agent = row[1] ?? nil, var stored = result[id],
                  let text = row[2] ?? nil,
                  let configuration = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else { continue }
            if let custom = configuration["custom_prompt"] as? String {
                stored.company.customPrompts = (stored.company.customPrompts ?? [:]).merging([agent: custom]) { $1 }
            }
            if let fallback = configuration["default_prompt"] as? String {
                stored.company.defaultPrompts = (stored.company.defaultPrompts ?? [:]).merging([agent: fallback]) { $1 }
            }
            if (row[3] ?? nil) == "f" {
                stored.company.agentsEnabled = (stored.company.agentsEnabled ?? [:]).merging([agent: false]) { $1 }
            }
            result[id] = stored
        }
        for row in rows.keys {
            guard let keyID = row[0] ?? nil, let company = (row[1] ?? nil).flatMap(CompanyID.init), let name = row[2] ?? nil,
                  let hash = row[3] ?? nil else { continue }
            result[company]?.apiKeys.append(APIKeyFileRecord(id: keyID, name: name, sha256: hash, createdAt: row[4] ?? nil))
        }
        return result
    }

    public func persist(_ changed: StoredCompany, all: [CompanyID: StoredCompany]) async throws(StoreError) {
        try await ensureMigrated()
        let company = changed.company
        // Prompts and agent enablement go to agent_configs; the rest of the settings to companies.settings.
        var general = company
        general.customPrompts = nil
        general.defaultPrompts = nil
        general.agentsEnabled = nil
        var agentRows: [[String?]] = []
        for agent in AgentKind.allCases.map(\.rawValue) {
            var configuration: [String: String] = [:]
            if let custom = company.customPrompts?[agent] { configuration["custom_prompt"] = custom }
            if let fallback = company.defaultPrompts?[agent] { configuration["default_prompt"] = fallback }
            let enabled = company.agentsEnabled?[agent] ?? true
            guard !configuration.isEmpty || !enabled,
                  let json = try? JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys]) else { continue }
            agentRows.append([company.id.rawValue, agent, String(decoding: json, as: UTF8.self), enabled ? "true" : "false"])
        }
        let agentConfigurations = agentRows
        guard let settings = try? CompanyJSONCoding.encoder().encode(general) else {
            throw .unwritable("cannot encode \(company.id)")
        }
        let settingsText = String(decoding: settings, as: UTF8.self)
        let iso = ISO8601DateFormatter()
        let parameters: [String?] = [
            company.id.rawValue, company.companyName, company.businessType, company.subscriptionTier,
            String(company.maxDocuments), String(company.maxConversations), iso.string(from: company.createdAt ?? Date()),
            iso.string(from: company.updatedAt ?? Date()), company.isActive ? "true" : "false", String(company.revision ?? 1),
            settingsText,
        ]
        let keys = changed.apiKeys
        do {
            try await pool.transaction { (session) throws(PostgresError) in
                try session.execute("""
                    INSERT INTO companies (company_id, company_name, business_type, subscription_tier, max_documents,
                        max_conversations, created_at, updated_at, is_active, revision, settings)
                    VALUES ($1, $2, $3, $4, $5::int, $6::int, $7::timestamptz, $8::timestamptz, $9::boolean, $10::int, $11::jsonb)
                    ON CONFLICT (company_id) DO UPDATE SET company_name = $2, business_type = $3, subscription_tier = $4,
                        max_documents = $5::int, max_conversations = $6::int, updated_at = $8::timestamptz,
                        is_active = $9::boolean, revision = $10::int, settings = $11::jsonb
                    """, parameters)
                try session.execute("DELETE FROM agent_configs WHERE company_id = $1", [company.id.rawValue])
                for row in agentConfigurations {
                    try session.execute("INSERT INTO agent_configs (company_id, agent_type, configuration, is_active) VALUES ($1, $2, $3::jsonb, $4::boolean)",
                                        row)
                }
                try session.execute("DELETE FROM api_keys WHERE company_id = $1", [company.id.rawValue])
                for key in keys {
                    try session.execute("INSERT INTO api_keys (key_id, company_id, name, sha256, created_at) VALUES ($1, $2, $3, $4, $5)",
                                        [key.id, company.id.rawValue, key.name, key.sha256, key.createdAt])
                }
            }
        } catch {
            throw Self.storeError(error, writing: true)
        }
    }

    public func remove(_ id: CompanyID, all: [CompanyID: StoredCompany]) async throws(StoreError) {
        try await ensureMigrated()
        do {
            // API keys and agent configurations go with it (ON DELETE CASCADE).
            _ = try await pool.withConnection { (session) throws(PostgresError) in
                try session.execute("DELETE FROM companies WHERE company_id = $1", [id.rawValue])
            }
        } catch {
            throw Self.storeError(error, writing: true)
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws(StoreError) {
        try await ensureMigrated()
        let fields = (try? JSONSerialization.data(withJSONObject: entry.fields)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let parameters: [String?] = [ISO8601DateFormatter().string(from: entry.at), entry.actor, entry.companyID.rawValue,
                                     entry.action, fields]
        do {
            _ = try await pool.withConnection { (session) throws(PostgresError) in
                try session.execute("INSERT INTO audit_log (at, actor, company_id, action, fields) VALUES ($1::timestamptz, $2, $3, $4, $5::jsonb)",
                                    parameters)
            }
        } catch {
            throw Self.storeError(error, writing: true)
        }
    }

    public func loadAudit(company: CompanyID?, limit: Int) async throws(StoreError) -> [AuditEntry] {
        try await ensureMigrated()
        let rows: [[String?]]
        do {
            rows = try await pool.withConnection { (session) throws(PostgresError) in
                try session.execute("""
                    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), actor, company_id, action, fields::text
                    FROM audit_log WHERE ($1::text IS NULL OR company_id = $1) ORDER BY id DESC LIMIT $2::int
                    """, [company?.rawValue, String(limit)])
            }
        } catch {
            throw Self.storeError(error)
        }
        let iso = ISO8601DateFormatter()
        return rows.compactMap { row in
            guard let at = (row[0] ?? nil).flatMap(iso.date(from:)), let actor = row[1] ?? nil,
                  let id = (row[2] ?? nil).flatMap(CompanyID.init), let action = row[3] ?? nil else { return nil }
            let fields = (row[4] ?? nil).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
            return AuditEntry(at: at, actor: actor, companyID: id, action: action, fields: fields)
        }
    }

    static func storeError(_ error: PostgresError, writing: Bool = false) -> StoreError {
        writing ? .unwritable("PostgreSQL: \(error)") : .unreadable("PostgreSQL: \(error)")
    }
}
