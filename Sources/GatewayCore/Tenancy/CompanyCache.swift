import CryptoPrimitives
import Foundation
import NetworkCore
import Wire
import WireRPC

/// The gateway's view of the config service: the company list and API-key verifications, cached for a
/// short TTL so that tenant resolution and authentication cost no round trip on the hot path.
///
/// One refresh at a time: callers that need the list while a refresh is in flight join it instead of
/// starting their own, and a stale list is served while it refreshes in the background (so a slow config
/// service sees one call per TTL, not one per request). If the config service is unreachable the last
/// good list keeps serving. Verifications are cached by the key's SHA-256, valid and invalid ones apart:
/// a flood of bad keys can only churn the cache of bad keys, never push out the good ones.
public final class CompanyCache: Sendable {
    private struct State {
        var companies: [CompanyID: Company] = [:]
        var version: UInt64 = 0
        var fetchedAt: UInt64 = 0
        var loaded = false
        var refreshing: Task<[CompanyID: Company], any Error>?
        var validKeys: [[UInt8]: (response: VerifyAPIKeyResponse, expires: UInt64)] = [:]
        var invalidKeys: [[UInt8]: UInt64] = [:]
    }

    private let client: RPCClient
    private let ttl: UInt64
    private let state = LockedState(State())
    /// The most verifications remembered, of each kind.
    static let maximumCachedKeys = 10_000

    /// Creates a cache over `client` (the config service).
    public init(client: RPCClient, ttl: Duration) {
        self.client = client
        self.ttl = MonotonicTime.nanoseconds(ttl)
    }

    /// All companies, fetched if never loaded, refreshed in the background if stale.
    public func companies(metadata: Metadata = Metadata()) async throws(RPCError) -> [CompanyID: Company] {
        let (loaded, snapshot, startRefresh) = state.withLock { state -> (Bool, [CompanyID: Company], Bool) in
            let stale = MonotonicTime.now() &- state.fetchedAt > ttl
            return (state.loaded, state.companies, state.loaded && stale && state.refreshing == nil)
        }
        if !loaded { return try await refresh(metadata: metadata) }
        if startRefresh { _ = sharedRefresh(metadata: metadata) }
        return snapshot
    }

    /// One company, or nil when unknown.
    public func company(_ id: CompanyID, metadata: Metadata = Metadata()) async throws(RPCError) -> Company? {
        try await companies(metadata: metadata)[id]
    }

    /// Fetches the list now (joining a refresh already in flight).
    @discardableResult
    public func refresh(metadata: Metadata = Metadata()) async throws(RPCError) -> [CompanyID: Company] {
        do {
            return try await sharedRefresh(metadata: metadata).value
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.unknown, "\(error)")
        }
    }

    /// The refresh in flight, or a new one.
    private func sharedRefresh(metadata: Metadata) -> Task<[CompanyID: Company], any Error> {
        state.withLock { state in
            if let running = state.refreshing { return running }
            let task = Task { [client] () throws -> [CompanyID: Company] in
                do {
                    let response = try await client.call(ConfigAPI.listCompanies, ListCompaniesRequest(), metadata: metadata,
                                                         timeout: .seconds(2))
                    var map: [CompanyID: Company] = [:]
                    for company in response.companies { map[company.id] = company }
                    self.state.withLock { state in
                        state.companies = map
                        state.version = response.version
                        state.fetchedAt = MonotonicTime.now()
                        state.loaded = true
                        state.refreshing = nil
                    }
                    return map
                } catch {
                    self.state.withLock { $0.refreshing = nil }
                    throw error
                }
            }
            state.refreshing = task
            return task
        }
    }

    /// Whether the list has been loaded at least once.
    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// The loaded configuration version.
    public var version: UInt64 { state.withLock { $0.version } }

    /// Forgets every cached key verification (after a key is deleted through this gateway).
    public func forgetKeys() {
        state.withLock { state in
            state.validKeys.removeAll()
            state.invalidKeys.removeAll()
        }
    }

    /// The number of valid keys remembered (for tests and diagnostics).
    var cachedValidKeys: Int { state.withLock { $0.validKeys.count } }

    /// What the cache knows of a key without asking the config service.
    public enum CachedVerification: Sendable {
        case valid(VerifyAPIKeyResponse)
        case invalid
        case unknown
    }

    /// The cached verification of `apiKey`, if still fresh.
    public func cachedVerification(apiKey: String) -> CachedVerification {
        let hash = Digest.sha256(Array(apiKey.utf8))
        let now = MonotonicTime.now()
        return state.withLock { state -> CachedVerification in
            if let entry = state.validKeys[hash], entry.expires > now { return .valid(entry.response) }
            if let expires = state.invalidKeys[hash], expires > now { return .invalid }
            return .unknown
        }
    }

    /// Verifies a tenant API key with the config service (cached for the TTL, so a revoked key stops
    /// working everywhere within it). Nil for a key that is not valid.
    public func verify(apiKey: String, metadata: Metadata) async throws(RPCError) -> VerifyAPIKeyResponse? {
        switch cachedVerification(apiKey: apiKey) {
        case .valid(let response): return response
        case .invalid: return nil
        case .unknown: break
        }
        let hash = Digest.sha256(Array(apiKey.utf8))
        let now = MonotonicTime.now()
        let result: VerifyAPIKeyResponse?
        do {
            result = try await client.call(ConfigAPI.verifyAPIKey, VerifyAPIKeyRequest(apiKey: apiKey), metadata: metadata,
                                           timeout: .seconds(2))
        } catch where error.code == .unauthenticated {
            result = nil
        }
        let expires = now &+ ttl
        state.withLock { state in
            if let result {
                if state.validKeys.count >= Self.maximumCachedKeys { state.validKeys = state.validKeys.filter { $0.value.expires > now } }
                if state.validKeys.count < Self.maximumCachedKeys { state.validKeys[hash] = (result, expires) }
            } else {
                if state.invalidKeys.count >= Self.maximumCachedKeys { state.invalidKeys.removeAll() }
                state.invalidKeys[hash] = expires
            }
        }
        return result
    }
}
