import CompanyModel
import CryptoPrimitives
import Foundation
import Wire

/// The config service's authority over companies: validates and applies changes, keeps the version that
/// caches compare, writes the audit log, and answers lookups (Chatwoot accounts, API keys) from memory.
///
/// Changes are serialized by the actor; reads of the current state are cheap snapshots.
public actor ConfigManager {
    /// Why a change was refused, in terms the RPC layer maps to statuses.
    public enum ChangeError: Error, Sendable, Equatable {
        case notFound(String)
        case invalid([String: String])
        case conflict([String: String])
        case stale(current: Int)
        case storage(String)
    }

    /// An immutable view of the configuration.
    public struct Snapshot: Sendable {
        public var version: UInt64
        public var companies: [CompanyID: StoredCompany]
        /// Every company as it may leave the config service (secrets masked), sorted by id.
        public var published: [Company]
        public var chatwootAccounts: [String: CompanyID]
        public var keys: [String: (company: CompanyID, record: APIKeyFileRecord)]
    }

    private let store: any CompanyStore
    private var state: Snapshot
    private let clock: @Sendable () -> Date
    private var versionWaiters: [Int: CheckedContinuation<UInt64, Never>] = [:]
    private var watchersReleased = false
    private var nextWaiterID = 0
    /// Changes wait on the store (await); these serialize them despite actor reentrancy.
    private var changeInProgress = false
    private var waitingChanges: [CheckedContinuation<Void, Never>] = []

    private func beginChange() async {
        if !changeInProgress {
            changeInProgress = true
            return
        }
        await withCheckedContinuation { waitingChanges.append($0) }
    }

    private func endChange() {
        if waitingChanges.isEmpty {
            changeInProgress = false
        } else {
            waitingChanges.removeFirst().resume()
        }
    }

    /// Creates a manager over `store` (call ``reload()`` to load it).
    public init(store: any CompanyStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
        // Versions start from the start time in milliseconds, so they keep increasing across restarts.
        state = Snapshot(version: UInt64(clock().timeIntervalSince1970 * 1000), companies: [:], published: [],
                         chatwootAccounts: [:], keys: [:])
    }

    public var location: String { store.location }
    public var snapshot: Snapshot { state }

    /// Loads the store; a store that fails to load or validate leaves the current configuration in place.
    public func reload() async throws(ChangeError) {
        await beginChange()
        defer { endChange() }
        let loaded: [CompanyID: StoredCompany]
        do {
            loaded = try await store.loadAll()
        } catch {
            throw .storage(error.description)
        }
        var problems: [String: String] = [:]
        for (id, stored) in loaded {
            for (field, problem) in CompanyValidator.fieldProblems(stored.company) { problems["\(id).\(field)"] = problem }
            let others = loaded.values.map(\.company).filter { $0.id != id }
            for (field, problem) in CompanyValidator.conflicts(stored.company, among: others) {
                problems["\(id).\(field)"] = problem
            }
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        install(loaded)
    }

    /// The configuration version once it exceeds `known`, or the current one after `timeout`.
    public func version(after known: UInt64, timeout: Duration) async -> UInt64 {
        if state.version != known || watchersReleased { return state.version }
        let id = nextWaiterID
        nextWaiterID += 1
        return await withCheckedContinuation { continuation in
            versionWaiters[id] = continuation
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expireWaiter(id)
            }
        }
    }

    /// Answers every pending ``version(after:timeout:)`` now, and later ones at once (the service is shutting down).
    public func wakeWatchers() {
        watchersReleased = true
        let waiters = versionWaiters
        versionWaiters.removeAll()
        for waiter in waiters.values { waiter.resume(returning: state.version) }
    }

    private func expireWaiter(_ id: Int) {
        versionWaiters.removeValue(forKey: id)?.resume(returning: state.version)
    }

    private func install(_ companies: [CompanyID: StoredCompany]) {
        var next = Snapshot(version: state.version + 1, companies: companies,
                            published: companies.values.map(\.company.maskingSecrets).sorted { $0.id < $1.id },
                            chatwootAccounts: [:], keys: [:])
        for (id, stored) in companies {
            if let account = stored.company.chatwootAccountID { next.chatwootAccounts[account] = id }
            for key in stored.apiKeys { next.keys[key.id] = (id, key) }
        }
        state = next
        let waiters = versionWaiters
        versionWaiters.removeAll()
        for waiter in waiters.values { waiter.resume(returning: next.version) }
    }

    // MARK: Changes

    /// Creates a company. Fails with `conflict` when the id or a unique field is taken. A new company
    /// requires signed Chatwoot webhooks unless it says otherwise (the shipped configuration, loaded as
    /// the original had it, does not).
    public func create(_ company: Company, actor: String) async throws(ChangeError) -> Company {
        await beginChange()
        defer { endChange() }
        guard state.companies[company.id] == nil else { throw .conflict(["company_id": "already exists"]) }
        var company = company
        var chatwoot = company.chatwoot ?? ChatwootSettings()
        if chatwoot.requireSignature == nil { chatwoot.requireSignature = true }
        company.chatwoot = chatwoot
        let now = clock()
        company.createdAt = now
        company.updatedAt = now
        company.revision = 1
        try validate(company)
        try await commit(StoredCompany(company: company), audit: AuditEntry(at: now, actor: actor, companyID: company.id,
                                                                       action: "create"))
        return company
    }

    /// Replaces a company's configuration. `expectedRevision` (from `If-Match`) must match the current one.
    public func update(_ company: Company, expectedRevision: Int?, actor: String) async throws(ChangeError) -> Company {
        await beginChange()
        defer { endChange() }
        return try await applyUpdate(company, expectedRevision: expectedRevision, actor: actor)
    }

    private func applyUpdate(_ company: Company, expectedRevision: Int?, actor: String) async throws(ChangeError) -> Company {
        guard let current = state.companies[company.id] else { throw .notFound("unknown company '\(company.id)'") }
        let revision = current.company.revision ?? 1
        if let expectedRevision, expectedRevision != revision { throw .stale(current: revision) }
        var company = company.keepingMaskedSecrets(from: current.company)
        // Parts that come from their own files (company default prompts, extended settings) stay unless set.
        if company.defaultPrompts == nil { company.defaultPrompts = current.company.defaultPrompts }
        if company.extendedConfiguration == nil { company.extendedConfiguration = current.company.extendedConfiguration }
        company.createdAt = current.company.createdAt
        company.updatedAt = clock()
        company.revision = revision + 1
        try validate(company)
        let changed = Self.changedFields(current.company, company)
        try await commit(StoredCompany(company: company, apiKeys: current.apiKeys),
                   audit: AuditEntry(at: clock(), actor: actor, companyID: company.id, action: "update", fields: changed))
        return company
    }

    /// Deactivates a company (its data stays until purged).
    public func deactivate(_ id: CompanyID, actor: String) async throws(ChangeError) -> Company {
        await beginChange()
        defer { endChange() }
        guard var company = state.companies[id]?.company else { throw .notFound("unknown company '\(id)'") }
        company.isActive = false
        return try await applyUpdate(company, expectedRevision: nil, actor: actor)
    }

    /// Erases a company and its keys for good (after the other services purged their data).
    public func purge(_ id: CompanyID, actor: String) async throws(ChangeError) {
        await beginChange()
        defer { endChange() }
        guard state.companies[id] != nil else { throw .notFound("unknown company '\(id)'") }
        var all = state.companies
        all[id] = nil
        do {
            try await store.remove(id, all: all)
        } catch {
            throw .storage(error.description)
        }
        install(all)
        try? await store.appendAudit(AuditEntry(at: clock(), actor: actor, companyID: id, action: "purge"))
    }

    /// Creates an API key bound to `id`; returns the key (shown once) and its description.
    public func createAPIKey(for id: CompanyID, name: String, actor: String) async throws(ChangeError) -> (key: String, info: APIKeyInfo) {
        await beginChange()
        defer { endChange() }
        guard var stored = state.companies[id] else { throw .notFound("unknown company '\(id)'") }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 100 else { throw .invalid(["name": "must be 1–100 characters"]) }
        let keyID = Digest.hex(Digest.randomBytes(6))
        let key = "cbk_\(keyID)_\(Base64URL.encode(Digest.randomBytes(24)))"
        let hash = Digest.hex(Digest.sha256(Array(key.utf8)))
        let record = APIKeyFileRecord(id: keyID, name: trimmed, sha256: hash,
                                      createdAt: ISO8601DateFormatter().string(from: clock()))
        stored.apiKeys.append(record)
        try await commit(stored, audit: AuditEntry(at: clock(), actor: actor, companyID: id, action: "create_api_key",
                                             fields: [keyID]))
        return (key, Self.info(record))
    }

    /// Removes an API key of `id`.
    public func deleteAPIKey(_ keyID: String, of id: CompanyID, actor: String) async throws(ChangeError) {
        await beginChange()
        defer { endChange() }
        guard var stored = state.companies[id] else { throw .notFound("unknown company '\(id)'") }
        guard stored.apiKeys.contains(where: { $0.id == keyID }) else { throw .notFound("unknown API key '\(keyID)'") }
        stored.apiKeys.removeAll { $0.id == keyID }
        try await commit(stored, audit: AuditEntry(at: clock(), actor: actor, companyID: id, action: "delete_api_key",
                                             fields: [keyID]))
    }

    /// The API keys of `id` (names and fingerprints only).
    public func apiKeys(of id: CompanyID) throws(ChangeError) -> [APIKeyInfo] {
        guard let stored = state.companies[id] else { throw .notFound("unknown company '\(id)'") }
        return stored.apiKeys.map(Self.info)
    }

    /// Recent changes, newest first.
    public func audit(company: CompanyID?, limit: Int) async throws(ChangeError) -> [AuditEntry] {
        do {
            return try await store.loadAudit(company: company, limit: limit)
        } catch {
            throw .storage(error.description)
        }
    }

    // MARK: Lookups

    /// Checks a presented API key (`cbk_<key id>_<secret>`) against the stored hash, in constant time.
    public func verify(apiKey: String) -> (company: CompanyID, record: APIKeyFileRecord)? {
        let parts = apiKey.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "cbk", let stored = state.keys[String(parts[1])],
              let hash = Digest.bytes(fromHex: stored.record.sha256) else { return nil }
        return Digest.constantTimeEqual(Digest.sha256(Array(apiKey.utf8)), hash) ? stored : nil
    }

    // MARK: Internals

    private func validate(_ company: Company) throws(ChangeError) {
        let problems = CompanyValidator.fieldProblems(company)
        guard problems.isEmpty else { throw .invalid(problems) }
        let others = state.companies.values.map(\.company).filter { $0.id != company.id }
        let conflicts = CompanyValidator.conflicts(company, among: others)
        guard conflicts.isEmpty else { throw .conflict(conflicts) }
    }

    private func commit(_ changed: StoredCompany, audit: AuditEntry) async throws(ChangeError) {
        var all = state.companies
        all[changed.company.id] = changed
        do {
            try await store.persist(changed, all: all)
        } catch {
            throw .storage(error.description)
        }
        install(all)
        // The change is durable; an audit write failure is reported but does not undo it.
        try? await store.appendAudit(audit)
    }

    static func info(_ record: APIKeyFileRecord) -> APIKeyInfo {
        APIKeyInfo(keyID: record.id, name: record.name, fingerprint: String(record.sha256.prefix(12)), createdAt: record.createdAt)
    }

    static func changedFields(_ old: Company, _ new: Company) -> [String] {
        let encoder = CompanyJSONCoding.encoder()
        func fields(_ company: Company) -> [String: String] {
            guard let data = try? encoder.encode(company),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return object.mapValues { "\($0)" }
        }
        let before = fields(old)
        let after = fields(new)
        return Set(before.keys).union(after.keys)
            .filter { before[$0] != after[$0] && !["updated_at", "revision"].contains($0) }
            .sorted()
    }
}
