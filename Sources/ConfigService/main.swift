import ConfigServiceCore
import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The config service: companies (tenants), their Chatwoot accounts, API keys and audit log, kept in the
// companies file (`COMPANIES_CONFIG_FILE`; default `companies_config.json` if present, else the shipped
// `config/companies_config.json`) or in PostgreSQL (`DATABASE_URL`). SIGHUP or `reloadConfig` re-reads
// the store, and a broken store keeps the last good configuration. The logic is in ConfigServiceCore.

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

let secretCallers = host.options.values("secrets-callers", environment: "CONFIG_SECRETS_CALLERS")
let store: any CompanyStore = databaseURL.map { PostgresCompanyStore(url: $0) } ?? JSONFileCompanyStore(path: path)
let service = ConfigService(manager: ConfigManager(store: store), health: host.health, logger: host.logger,
                            secretCallers: secretCallers.isEmpty ? ConfigService.defaultSecretCallers : Set(secretCallers))
do {
    _ = try await service.reload()
} catch {
    // Without any configuration there is nothing to serve; once loaded, a failing store only degrades.
    exit(2)
}

var router = RPCRouter()
service.register(on: &router)
exit(await host.run(router: router, onReload: { _ = try? await service.reload() }, onShutdown: {
    // Long polls would hold the graceful shutdown for their whole timeout: answer them now.
    await service.manager.wakeWatchers()
}))
