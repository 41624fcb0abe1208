import ConfigStore
import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The config service: companies (tenants), their Chatwoot accounts, API keys and audit log, kept in the
// companies file (`COMPANIES_CONFIG_FILE`; default `companies_config.json` if present, else the shipped
// `config/companies_config.json`). Changes are validated, written atomically and audited; SIGHUP or
// `reloadConfig` re-reads the file, and a broken file keeps the last good configuration.

let host = ServiceHost(service: .config)
let explicitPath = host.options.value("companies-file", environment: "COMPANIES_CONFIG_FILE")
let path = explicitPath
    ?? (FileManager.default.fileExists(atPath: "companies_config.json") ? "companies_config.json" : "config/companies_config.json")
let databaseURL = host.options.value("database-url", environment: "DATABASE_URL")

// `config-service migrate`: import the companies file into PostgreSQL (idempotent), then exit.
if host.options.positional.first == "migrate" {
    guard let databaseURL else {
        host.logger.critical("migrate needs DATABASE_URL (or --database-url)")
        exit(2)
    }
    exit(await CompanyMigration.run(from: path, to: databaseURL, logger: host.logger))
}

let store: any CompanyStore = databaseURL.map { PostgresCompanyStore(url: $0) } ?? JSONFileCompanyStore(path: path)
let manager = ConfigManager(store: store)

/// Reports the store's state in health: a storage failure leaves the service serving (read-only) but degraded.
@Sendable func storeReached(_ error: ConfigManager.ChangeError? = nil) {
    if case .storage(let message)? = error {
        host.health.set("store", .degraded, detail: "read-only, last good configuration: \(message)")
    } else {
        host.health.set("store", .serving, detail: store.location)
    }
}

/// Loads (or reloads) the store and reports the outcome.
@Sendable func reload() async throws(RPCError) -> ReloadResponse {
    do {
        try await manager.reload()
        let snapshot = await manager.snapshot
        host.logger.info("loaded \(snapshot.companies.count) companies from \(store.location) (version \(snapshot.version))")
        storeReached()
        return ReloadResponse(version: snapshot.version, companies: snapshot.companies.count)
    } catch {
        host.logger.error("cannot load companies, keeping the previous configuration: \(error)")
        storeReached(error)
        var failure = ConfigErrors.rpcError(error)
        if case .storage = error {
            // The file (or database) holds something unusable: the caller must fix it; nothing changed.
            failure = RPCError(.failedPrecondition, "The configuration cannot be loaded; the previous one stays active: \(error)")
        }
        throw failure
    }
}

do {
    _ = try await reload()
} catch {
    // Without any configuration there is nothing to serve; once loaded, a failing store only degrades.
    exit(2)
}

var router = RPCRouter()
router.register(ConfigAPI.listCompanies) { request, _ in
    let snapshot = await manager.snapshot
    let companies = snapshot.companies.values.map(\.company)
        .filter { request.includeInactive || $0.isActive }
        .sorted { $0.id < $1.id }
    return ListCompaniesResponse(version: snapshot.version, companies: companies)
}
router.register(ConfigAPI.getCompany) { request, _ in
    guard let company = await manager.snapshot.companies[request.companyID]?.company else {
        throw RPCError(.notFound, "unknown company '\(request.companyID)'")
    }
    return company
}
router.register(ConfigAPI.resolveChatwootAccount) { request, _ in
    guard let id = await manager.snapshot.chatwootAccounts[request.accountID] else {
        throw RPCError(.notFound, "no company owns Chatwoot account \(request.accountID)")
    }
    return ResolveChatwootAccountResponse(companyID: id)
}
router.register(ConfigAPI.verifyAPIKey) { request, _ in
    guard let key = await manager.verify(apiKey: request.apiKey) else { throw RPCError(.unauthenticated, "invalid API key") }
    return VerifyAPIKeyResponse(companyID: key.company, keyID: key.record.id, name: key.record.name)
}
router.register(ConfigAPI.createCompany) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        try await manager.create(request.company, actor: request.actor)
    }
}
router.register(ConfigAPI.updateCompany) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        try await manager.update(request.company, expectedRevision: request.expectedRevision, actor: request.actor)
    }
}
router.register(ConfigAPI.deactivateCompany) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        try await manager.deactivate(request.companyID, actor: request.actor)
    }
}
router.register(ConfigAPI.createAPIKey) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        let created = try await manager.createAPIKey(for: request.companyID, name: request.argument ?? "", actor: request.actor)
        return CreateAPIKeyResponse(apiKey: created.key, info: created.info)
    }
}
router.register(ConfigAPI.listAPIKeys) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        APIKeyList(keys: try await manager.apiKeys(of: request.companyID))
    }
}
router.register(ConfigAPI.deleteAPIKey) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        try await manager.deleteAPIKey(request.argument ?? "", of: request.companyID, actor: request.actor)
        return Empty()
    }
}
router.register(ConfigAPI.listAudit) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        AuditList(entries: try await manager.audit(company: request.companyID, limit: min(max(request.limit, 1), 1_000)))
    }
}
router.register(ConfigAPI.reloadConfig) { _, _ in try await reload() }
router.register(StandardMethods.purgeTenant) { request, _ in
    try await ConfigErrors.mapping(onStorage: storeReached) { () throws(ConfigManager.ChangeError) in
        try await manager.purge(request.companyID, actor: request.actor)
        return PurgeTenantResponse(service: ServiceName.config.rawValue, itemsRemoved: 1)
    }
}
router.register(ConfigAPI.watchVersion) { request, _ in
    let timeout = Duration.milliseconds(min(max(request.timeoutMilliseconds, 0), 60_000))
    return WatchVersionResponse(version: await manager.version(after: request.knownVersion, timeout: timeout))
}

exit(await host.run(router: router, onReload: { _ = try? await reload() }, onShutdown: {
    // Long polls would hold the graceful shutdown for their whole timeout: answer them now.
    await manager.wakeWatchers()
}))
