import Foundation
import ServiceLogging
import Wire
import WireRPC

/// The config service's Wire API over a ``ConfigManager``: lookups, changes, keys, audit, reload,
/// propagation (`watchVersion`) and secrets for the services allowed to read them.
///
/// Every company that leaves the service has its secrets masked; `getCompanySecrets` returns them for one
/// company, and only to authenticated callers named in `secretCallers`. Tenant-scoped methods are checked
/// against the call's tenant metadata by the router.
public final class ConfigService: Sendable {
    public let manager: ConfigManager
    private let health: HealthReporter
    private let logger: Logger
    private let secretCallers: Set<String>

    /// Creates the service; ``reload()`` loads the store.
    public init(manager: ConfigManager, health: HealthReporter, logger: Logger, secretCallers: Set<String>) {
        self.manager = manager
        self.health = health
        self.logger = logger
        self.secretCallers = secretCallers
    }

    /// The services that may read secrets unless `CONFIG_SECRETS_CALLERS` says otherwise: the agent
    /// (Chatwoot token, LLM key), the RAG service (embeddings key) and the media service (speech and vision
    /// keys). The gateway, which faces the internet, is deliberately not one of them.
    public static let defaultSecretCallers: Set<String> = [ServiceName.agent.rawValue, ServiceName.rag.rawValue,
                                                           ServiceName.media.rawValue]

    /// Reports the store's state in health: a storage failure leaves the service serving (read-only) but degraded.
    private func storeReached(_ error: ConfigManager.ChangeError? = nil) async {
        if case .storage(let message)? = error {
            health.set("store", .degraded, detail: "read-only, last good configuration: \(message)")
        } else {
            health.set("store", .serving, detail: await manager.location)
        }
    }

    /// Loads (or reloads) the store; a broken store keeps the previous configuration.
    public func reload() async throws(RPCError) -> ReloadResponse {
        do {
            try await manager.reload()
            let snapshot = await manager.snapshot
            let location = await manager.location
            logger.info("loaded \(snapshot.companies.count) companies from \(location) (version \(snapshot.version))")
            await storeReached()
            return ReloadResponse(version: snapshot.version, companies: snapshot.companies.count)
        } catch {
            logger.error("cannot load companies, keeping the previous configuration: \(error)")
            await storeReached(error)
            if case .storage = error {
                // The file (or database) holds something unusable: the caller must fix it; nothing changed.
                throw RPCError(.failedPrecondition, "The configuration cannot be loaded; the previous one stays active: \(error)")
            }
            throw ConfigErrors.rpcError(error)
        }
    }

    /// Runs a change, reporting storage failures in health.
    private func change<T: Sendable>(_ body: @Sendable () async throws(ConfigManager.ChangeError) -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch {
            if case .storage = error { await storeReached(error) }
            throw ConfigErrors.rpcError(error)
        }
    }

    /// Registers every method. They run on the cooperative pool: they wait on the manager (an actor),
    /// whose store does its blocking I/O on the blocking pool.
    public func register(on router: inout RPCRouter) {
        let manager = self.manager
        router.register(ConfigAPI.listCompanies, execution: .cooperative) { request, _ in
            let snapshot = await manager.snapshot
            return ListCompaniesResponse(version: snapshot.version,
                                         companies: snapshot.published.filter { request.includeInactive || $0.isActive })
        }
        router.register(ConfigAPI.getCompany, execution: .cooperative) { request, _ in
            guard let company = await manager.snapshot.companies[request.companyID]?.company else {
                throw RPCError(.notFound, "unknown company '\(request.companyID)'")
            }
            return company.maskingSecrets
        }
        router.register(ConfigAPI.getCompanySecrets, execution: .cooperative) { [secretCallers, logger] request, context in
            guard context.caller.isOne(of: secretCallers) else {
                logger.warning("secrets of \(request.companyID) refused to \(context.caller)")
                throw RPCError(.permissionDenied, "\(context.caller.name ?? "this caller") may not read company secrets")
            }
            let snapshot = await manager.snapshot
            guard let company = snapshot.companies[request.companyID]?.company else {
                throw RPCError(.notFound, "unknown company '\(request.companyID)'")
            }
            return company.secrets(configVersion: snapshot.version)
        }
        router.register(ConfigAPI.resolveChatwootAccount, execution: .cooperative) { request, _ in
            guard let id = await manager.snapshot.chatwootAccounts[request.accountID] else {
                throw RPCError(.notFound, "no company owns Chatwoot account \(request.accountID)")
            }
            return ResolveChatwootAccountResponse(companyID: id)
        }
        router.register(ConfigAPI.verifyAPIKey, execution: .cooperative) { request, _ in
            guard let key = await manager.verify(apiKey: request.apiKey) else { throw RPCError(.unauthenticated, "invalid API key") }
            return VerifyAPIKeyResponse(companyID: key.company, keyID: key.record.id, name: key.record.name)
        }
        router.register(ConfigAPI.createCompany, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                try await manager.create(request.company, actor: request.actor).maskingSecrets
            }
        }
        router.register(ConfigAPI.updateCompany, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                try await manager.update(request.company, expectedRevision: request.expectedRevision, actor: request.actor).maskingSecrets
            }
        }
        router.register(ConfigAPI.deactivateCompany, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                try await manager.deactivate(request.companyID, actor: request.actor).maskingSecrets
            }
        }
        router.register(ConfigAPI.createAPIKey, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                let created = try await manager.createAPIKey(for: request.companyID, name: request.argument ?? "", actor: request.actor)
                return CreateAPIKeyResponse(apiKey: created.key, info: created.info)
            }
        }
        router.register(ConfigAPI.listAPIKeys, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in APIKeyList(keys: try await manager.apiKeys(of: request.companyID)) }
        }
        router.register(ConfigAPI.deleteAPIKey, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                try await manager.deleteAPIKey(request.argument ?? "", of: request.companyID, actor: request.actor)
                return Empty()
            }
        }
        router.register(ConfigAPI.listAudit, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                AuditList(entries: try await manager.audit(company: request.companyID, limit: min(max(request.limit, 1), 1_000)))
            }
        }
        router.register(ConfigAPI.reloadConfig, execution: .cooperative) { [self] _, _ in try await reload() }
        router.register(StandardMethods.purgeTenant, execution: .cooperative) { [self] request, _ in
            try await change { () throws(ConfigManager.ChangeError) in
                try await manager.purge(request.companyID, actor: request.actor)
                return PurgeTenantResponse(service: ServiceName.config.rawValue, itemsRemoved: 1)
            }
        }
        router.register(ConfigAPI.watchVersion, execution: .cooperative) { request, _ in
            let timeout = Duration.milliseconds(min(max(request.timeoutMilliseconds, 0), 60_000))
            return WatchVersionResponse(version: await manager.version(after: request.knownVersion, timeout: timeout))
        }
    }
}
