import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The config service: companies (tenants), their Chatwoot accounts and API keys, loaded from the
// companies file (`COMPANIES_CONFIG_FILE`; default `companies_config.json` if present, else the shipped
// `config/companies_config.json`). SIGHUP reloads the file; a broken file keeps the last good configuration.

let host = ServiceHost(service: .config)
let explicitPath = host.options.value("companies-file", environment: "COMPANIES_CONFIG_FILE")
let path = explicitPath
    ?? (FileManager.default.fileExists(atPath: "companies_config.json") ? "companies_config.json" : "config/companies_config.json")
let directory = CompanyDirectory(path: path)

/// Loads (or reloads) the companies file and reports the outcome; false when it could not be used.
@Sendable func loadCompanies() -> Bool {
    do {
        try directory.load()
        host.logger.info("loaded \(directory.snapshot.companies.count) companies from \(path) (version \(directory.snapshot.version))")
        host.health.set("companies", .serving, detail: path)
        return true
    } catch {
        host.logger.error("cannot load companies, keeping the previous configuration: \(error)")
        return false
    }
}

guard loadCompanies() else { exit(2) }

var router = RPCRouter()
router.register(ConfigAPI.listCompanies) { request, _ in
    let snapshot = directory.snapshot
    let companies = snapshot.companies.values
        .filter { request.includeInactive || $0.isActive }
        .sorted { $0.id < $1.id }
    return ListCompaniesResponse(version: snapshot.version, companies: companies)
}
router.register(ConfigAPI.getCompany) { request, _ in
    guard let company = directory.snapshot.companies[request.companyID] else {
        throw RPCError(.notFound, "unknown company '\(request.companyID)'")
    }
    return company
}
router.register(ConfigAPI.resolveChatwootAccount) { request, _ in
    guard let id = directory.snapshot.chatwootAccounts[request.accountID] else {
        throw RPCError(.notFound, "no company owns Chatwoot account \(request.accountID)")
    }
    return ResolveChatwootAccountResponse(companyID: id)
}
router.register(ConfigAPI.verifyAPIKey) { request, _ in
    guard let key = directory.verify(apiKey: request.apiKey) else {
        throw RPCError(.unauthenticated, "invalid API key")
    }
    return VerifyAPIKeyResponse(companyID: key.companyID, keyID: key.keyID, name: key.name)
}

exit(await host.run(router: router) { _ = loadCompanies() })
