import Foundation
import Testing
import PostgresClient
import Wire
@testable import ConfigServiceCore

@Suite struct ConfigManagerTests {
    enum StoreKind: String, CaseIterable, Sendable { case jsonFile, postgres }

    /// A store seeded with the shipped example companies: a JSON file in a temporary directory, or a fresh
    /// PostgreSQL database on the test server (`TEST_DATABASE_URL`, started by scripts/test.sh).
    final class Fixture: @unchecked Sendable {
        let directory = NSTemporaryDirectory() + "config-store-" + UUID().uuidString.prefix(8)
        var path: String { "\(directory)/companies_config.json" }
        let kind: StoreKind
        private(set) var databaseURL: String?
        private var databaseName: String?
        private var admin: PostgresPool?

        init(_ kind: StoreKind = .jsonFile) throws {
            self.kind = kind
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("config/companies_config.json")
            try FileManager.default.copyItem(atPath: shipped.path, toPath: path)
        }

        /// The store under test (for PostgreSQL: a new database, seeded from the shipped file).
        func makeStore() async throws -> any CompanyStore {
            guard kind == .postgres else { return JSONFileCompanyStore(path: path) }
            guard let base = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"] else {
                throw StoreError.unreadable("TEST_DATABASE_URL is not set: run the tests with scripts/test.sh, which starts PostgreSQL")
            }
            let name = "cfg_" + UUID().uuidString.prefix(8).lowercased()
            let admin = PostgresPool(url: base, size: 1)
            self.admin = admin
            _ = try await admin.withConnection { (session) throws(PostgresError) in try session.execute("CREATE DATABASE \(name)") }
            databaseName = name
            guard let slash = base.lastIndex(of: "/") else { throw StoreError.unreadable("TEST_DATABASE_URL has no database name") }
            let url = base[..<slash] + "/" + name
            databaseURL = url
            let store = PostgresCompanyStore(url: url)
            let seed = try await JSONFileCompanyStore(path: path).loadAll()
            for (_, company) in seed { try await store.persist(company, all: seed) }
            return store
        }

        /// Drops the database ``makeStore()`` created (its connections are terminated).
        func dropDatabase() async {
            guard let admin, let name = databaseName else { return }
            _ = try? await admin.withConnection { (session) throws(PostgresError) in
                try session.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
            admin.shutdown()
            databaseName = nil
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// Runs `body` with a fresh store of `kind`, then drops the database it used (also when `body` fails).
    static func withStore(_ kind: StoreKind, _ body: (Fixture, any CompanyStore) async throws -> Void) async throws {
        let fixture = try Fixture(kind)
        let store = try await fixture.makeStore()
        do {
            try await body(fixture, store)
        } catch {
            await fixture.dropDatabase()
            throw error
        }
        await fixture.dropDatabase()
    }

    static func newCompany(_ id: String, prefix: String? = nil, account: String? = nil) -> Company {
        Company(id: CompanyID(id)!, companyName: "Clínica \(id)", redisPrefix: prefix ?? "\(id):",
                vectorstoreIndex: "\(id)_documents", salesAgentName: "Ana", services: "estética", chatwootAccountID: account)
    }

    @Test(arguments: StoreKind.allCases)
    func shippedConfiguration_LoadsAsIs_AndSurvivesARoundTrip(kind: StoreKind) async throws {
        try await Self.withStore(kind) { _, store in
        let manager = ConfigManager(store: store)
        try await manager.reload()
        let before = await manager.snapshot
        #expect(before.companies.keys.map(\.rawValue).sorted() == ["benova", "dental", "medispa", "wellness"])
        #expect(before.chatwootAccounts["7"]?.rawValue == "benova")
        _ = try await manager.create(Self.newCompany("nueva"), actor: "test")
        let reloaded = ConfigManager(store: store)
        try await reloaded.reload()
        let after = await reloaded.snapshot
        #expect(after.companies.count == 5)
        #expect(after.companies[CompanyID("benova")!]?.company.treatmentDurations == before.companies[CompanyID("benova")!]?.company.treatmentDurations)
        #expect(after.companies[CompanyID("nueva")!]?.company.revision == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func changes_AreValidated_Versioned_AndAudited(kind: StoreKind) async throws {
        try await Self.withStore(kind) { _, store in
        let manager = ConfigManager(store: store)
        try await manager.reload()
        let version = await manager.snapshot.version
        var company = try await manager.create(Self.newCompany("nueva", account: "99"), actor: "admin:a")
        #expect(await manager.snapshot.version == version + 1)
        #expect(await manager.version(after: version, timeout: .seconds(5)) == version + 1)
        await #expect(throws: ConfigManager.ChangeError.conflict(["company_id": "already exists"])) {
            try await manager.create(Self.newCompany("nueva"), actor: "admin:a")
        }
        do {
            _ = try await manager.create(Self.newCompany("otra", prefix: "benova:", account: "7"), actor: "admin:a")
            Issue.record("conflict accepted")
        } catch {
            guard case .conflict(let fields)? = error as? ConfigManager.ChangeError else { Issue.record("\(error)"); return }
            #expect(fields["redis_prefix"] != nil && fields["chatwoot_account_id"] != nil)
        }
        var invalid = Self.newCompany("mala")
        invalid.timezone = "Nowhere/City"
        invalid.language = "fr"
        invalid.currency = "ABC"
        invalid.treatmentDurations = ["botox": 0]
        invalid.scheduleServiceURL = "ftp://x"
        do {
            _ = try await manager.create(invalid, actor: "admin:a")
            Issue.record("invalid accepted")
        } catch {
            guard case .invalid(let fields)? = error as? ConfigManager.ChangeError else { Issue.record("\(error)"); return }
            #expect(Set(fields.keys) == ["timezone", "language", "currency", "treatment_durations.botox", "schedule_service_url"])
        }
        // Optimistic concurrency.
        company.salesAgentName = "Lucía"
        company = try await manager.update(company, expectedRevision: 1, actor: "admin:a")
        #expect(company.revision == 2)
        await #expect(throws: ConfigManager.ChangeError.stale(current: 2)) {
            try await manager.update(company, expectedRevision: 1, actor: "admin:b")
        }
        let audit = try await manager.audit(company: CompanyID("nueva"), limit: 10)
        #expect(audit.map(\.action) == ["update", "create"])
        #expect(audit.first?.fields == ["sales_agent_name"])
        #expect(audit.first?.actor == "admin:a")

        // Prompts: a custom prompt wins over the built-in one, survives a reload, and an unknown
        // placeholder is refused.
        #expect(company.customPrompts == nil)
        company.customPrompts = ["sales": "Hola desde {company_name}: {question}"]
        company = try await manager.update(company, expectedRevision: nil, actor: "admin:a")
        try await manager.reload()
        let reloaded = try #require(await manager.snapshot.companies[company.id]?.company)
        #expect(reloaded.customPrompts == ["sales": "Hola desde {company_name}: {question}"])
        company.customPrompts = ["sales": "Hola {patient}"]
        await #expect(throws: ConfigManager.ChangeError.invalid(["custom_prompts.sales": "uses the unknown placeholder {patient}"])) {
            try await manager.update(company, expectedRevision: nil, actor: "admin:a")
        }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func secrets_AreWriteOnly_AndKeysAreHashed(kind: StoreKind) async throws {
        try await Self.withStore(kind) { fixture, store in
        let manager = ConfigManager(store: store)
        try await manager.reload()
        var company = Self.newCompany("secreta")
        company.chatwoot = ChatwootSettings(baseURL: "https://chat.example.com", apiAccessToken: "token-1", webhookSecret: "hook-1")
        company = try await manager.create(company, actor: "t")
        // A client sends back the masked values it was shown: the stored secrets stay.
        company.chatwoot?.apiAccessToken = Company.maskedSecret
        company.chatwoot?.webhookSecret = "hook-2"
        company = try await manager.update(company, expectedRevision: nil, actor: "t")
        #expect(company.chatwoot?.apiAccessToken == "token-1" && company.chatwoot?.webhookSecret == "hook-2")

        let created = try await manager.createAPIKey(for: company.id, name: "crm", actor: "t")
        #expect(created.key.hasPrefix("cbk_\(created.info.keyID)_"))
        #expect(await manager.verify(apiKey: created.key)?.company == company.id)
        #expect(await manager.verify(apiKey: created.key + "x") == nil)
        if kind == .jsonFile {
            let file = try String(contentsOfFile: fixture.path, encoding: .utf8)
            #expect(!file.contains(created.key) && file.contains(created.info.fingerprint))
        }
        // A fresh manager over the same store sees the key (persisted as a hash) and the kept secret.
        let again = ConfigManager(store: store)
        try await again.reload()
        #expect(await again.verify(apiKey: created.key)?.company == company.id)
        #expect(await again.snapshot.companies[company.id]?.company.chatwoot?.apiAccessToken == "token-1")
        try await manager.deleteAPIKey(created.info.keyID, of: company.id, actor: "t")
        #expect(await manager.verify(apiKey: created.key) == nil)
        #expect(try await manager.apiKeys(of: company.id).isEmpty)
        }
    }

    @Test func extendedConfigurationAndCompanyDefaultPrompts_AreMergedFromTheirFiles() async throws {
        let fixture = try Fixture()
        try #"{"benova": {"integration_type": "google_calendar", "agendas": {"principal": {"timezone": "America/Bogota"}}}}"#
            .write(toFile: "\(fixture.directory)/extended_companies_config.json", atomically: true, encoding: .utf8)
        try #"{"benova": {"sales_agent": {"prompt_template": "Ventas {company_name}", "is_custom": true}}}"#
            .write(toFile: "\(fixture.directory)/custom_prompts.json", atomically: true, encoding: .utf8)
        let manager = ConfigManager(store: JSONFileCompanyStore(path: fixture.path))
        try await manager.reload()
        let benova = try #require(await manager.snapshot.companies[CompanyID("benova")!]?.company)
        #expect(benova.extendedConfiguration?.contains("\"integration_type\":\"google_calendar\"") == true)
        #expect(benova.defaultPrompts == ["sales": "Ventas {company_name}"])
        // A change writes the companies file only; the merged files stay the source of their parts.
        var changed = benova
        changed.services = "láser"
        changed.defaultPrompts = nil  // as an admin body that omits them
        changed.extendedConfiguration = nil
        let updated = try await manager.update(changed, expectedRevision: nil, actor: "t")
        #expect(updated.defaultPrompts != nil && updated.extendedConfiguration != nil)
        let file = try String(contentsOfFile: fixture.path, encoding: .utf8)
        #expect(!file.contains("google_calendar") && !file.contains("Ventas {company_name}"))
        try await manager.reload()
        #expect(await manager.snapshot.companies[CompanyID("benova")!]?.company.extendedConfiguration != nil)
    }

    @Test func brokenFile_KeepsTheLastGoodConfiguration() async throws {
        let fixture = try Fixture()
        let manager = ConfigManager(store: JSONFileCompanyStore(path: fixture.path))
        try await manager.reload()
        let version = await manager.snapshot.version
        try "{ not json".write(toFile: fixture.path, atomically: true, encoding: .utf8)
        await #expect(throws: ConfigManager.ChangeError.self) { try await manager.reload() }
        #expect(await manager.snapshot.companies.count == 4)
        #expect(await manager.snapshot.version == version)
        try #"{"a": {"company_name": "Duplicate", "redis_prefix": "x:"}, "b": {"company_name": "Dup", "redis_prefix": "x:"}}"#
            .write(toFile: fixture.path, atomically: true, encoding: .utf8)
        await #expect(throws: ConfigManager.ChangeError.self) { try await manager.reload() }
        #expect(await manager.snapshot.companies.count == 4)
    }

    @Test func atomicWrite_LeavesNoPartialFile() throws {
        let fixture = try Fixture()
        let big = Data(String(repeating: "x", count: 1 << 20).utf8)
        try JSONFileCompanyStore.writeAtomically(big, to: fixture.path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.path)) == big)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        #expect(throws: StoreError.self) { try JSONFileCompanyStore.writeAtomically(big, to: "/nonexistent-dir/file.json") }
    }
}
