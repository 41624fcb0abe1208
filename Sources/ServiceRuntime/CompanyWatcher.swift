import Foundation
import NetworkCore
import ServiceLogging
import Wire
import WireRPC

/// A service's copy of the company configuration, kept current by long-polling the config service.
///
/// A change made anywhere (admin API, file reload) reaches every service using a watcher within a few
/// milliseconds of the config service committing it; if the config service is unreachable the last copy
/// keeps serving and the watcher retries. The copy carries no secrets (they read `Company.maskedSecret`);
/// a service allowed to use them asks for one company's with ``secrets(of:)``, cached per version.
public final class CompanyWatcher: Sendable {
    private struct State {
        var version: UInt64 = 0
        var companies: [CompanyID: Company] = [:]
        var secrets: [CompanyID: CompanySecrets] = [:]
        var started = false
    }

    private let client: RPCClient
    private let logger: Logger
    private let state = LockedState(State())

    /// Creates a watcher over the config service's client.
    public init(client: RPCClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The configuration version of the current copy (0 before the first load).
    public var version: UInt64 { state.withLock { $0.version } }

    /// The current copy of one company.
    public func company(_ id: CompanyID) -> Company? { state.withLock { $0.companies[id] } }

    /// The current copy of every company.
    public var companies: [CompanyID: Company] { state.withLock { $0.companies } }

    /// Starts the background watch (once).
    public func start() {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        Task.detached { [self] in await watch() }
    }

    /// Loads the list now.
    public func refresh() async throws(RPCError) {
        let response = try await client.call(ConfigAPI.listCompanies, ListCompaniesRequest(), timeout: .seconds(5))
        var map: [CompanyID: Company] = [:]
        for company in response.companies { map[company.id] = company }
        state.withLock { state in
            state.version = response.version
            state.companies = map
            state.secrets = state.secrets.filter { $0.value.configVersion == response.version }
        }
    }

    /// One company's secrets (this service must be allowed to read them), cached until the configuration
    /// changes.
    public func secrets(of id: CompanyID) async throws(RPCError) -> CompanySecrets {
        let cached = state.withLock { state -> CompanySecrets? in
            guard let secrets = state.secrets[id], secrets.configVersion == state.version else { return nil }
            return secrets
        }
        if let cached { return cached }
        var metadata = Metadata()
        metadata.tenant = id.rawValue
        let secrets = try await client.call(ConfigAPI.getCompanySecrets, GetCompanySecretsRequest(companyID: id),
                                            metadata: metadata, timeout: .seconds(5))
        state.withLock { state in
            if secrets.configVersion == state.version { state.secrets[id] = secrets }
        }
        return secrets
    }

    private func watch() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                if version == 0 { try await refresh() }
                let known = version
                let answer = try await client.call(ConfigAPI.watchVersion, WatchVersionRequest(knownVersion: known),
                                                   timeout: .seconds(25))
                if answer.version != known { try await refresh() }
                failures = 0
            } catch {
                failures += 1
                if failures == 1 { logger.warning("config watch interrupted: \(error); retrying") }
                try? await Task.sleep(for: .milliseconds(min(200 * failures, 2_000)))
            }
        }
    }
}
