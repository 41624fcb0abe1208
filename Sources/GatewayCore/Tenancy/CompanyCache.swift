import CryptoPrimitives
import Foundation
import NetworkCore
import Wire
import WireRPC

/// The gateway's view of the config service: the company list and API-key verifications, cached for a
/// short TTL so that tenant resolution and authentication cost no round trip on the hot path.
///
/// The list refreshes in the background when stale (one refresh at a time); if the config service is
/// unreachable the last good list keeps serving. Key verifications are cached by the key's SHA-256.
public final class CompanyCache: Sendable {
    private struct State {
        var companies: [CompanyID: Company] = [:]
        var version: UInt64 = 0
        var fetchedAt: UInt64 = 0
        var loaded = false
        var refreshing = false
        var keys: [[UInt8]: (result: VerifyAPIKeyResponse?, expires: UInt64)] = [:]
    }

    private let client: RPCClient
    private let ttl: UInt64
    private let state = LockedState(State())

    /// Creates a cache over `client` (the config service).
    public init(client: RPCClient, ttl: Duration) {
        self.client = client
        self.ttl = MonotonicTime.nanoseconds(ttl)
    }

    /// All companies, fetched if never loaded, refreshed if stale.
    public func companies(metadata: Metadata = Metadata()) async throws(RPCError) -> [CompanyID: Company] {
        let (loaded, stale, snapshot) = state.withLock { state -> (Bool, Bool, [CompanyID: Company]) in
            let stale = MonotonicTime.now() - state.fetchedAt > ttl
            if state.loaded && stale && !state.refreshing { state.refreshing = true }
            return (state.loaded, stale, state.companies)
        }
        if !loaded { return try await refresh(metadata: metadata) }
        if stale {
            Task { _ = try? await self.refresh(metadata: metadata) }
        }
        return snapshot
    }

    /// One company, or nil when unknown.
    public func company(_ id: CompanyID, metadata: Metadata = Metadata()) async throws(RPCError) -> Company? {
        try await companies(metadata: metadata)[id]
    }

    /// Fetches the list now.
    @discardableResult
    public func refresh(metadata: Metadata = Metadata()) async throws(RPCError) -> [CompanyID: Company] {
        do {
            let response = try await client.call(ConfigAPI.listCompanies, ListCompaniesRequest(), metadata: metadata,
                                                 timeout: .seconds(2))
            var map: [CompanyID: Company] = [:]
            for company in response.companies { map[company.id] = company }
            state.withLock { state in
                state.companies = map
                state.version = response.version
                state.fetchedAt = MonotonicTime.now()
                state.loaded = true
                state.refreshing = false
            }
            return map
        } catch {
            state.withLock { $0.refreshing = false }
            throw error
        }
    }

    /// Whether the list has been loaded at least once.
    public var isLoaded: Bool { state.withLock { $0.loaded } }

    /// The loaded configuration version.
    public var version: UInt64 { state.withLock { $0.version } }

    /// Forgets every cached key verification (after a key is deleted through this gateway).
    public func forgetKeys() { state.withLock { $0.keys.removeAll() } }

    /// Verifies a tenant API key with the config service (cached for the TTL, so a revoked key stops
    /// working everywhere within it).
    public func verify(apiKey: String, metadata: Metadata) async throws(RPCError) -> VerifyAPIKeyResponse? {
        let hash = Digest.sha256(Array(apiKey.utf8))
        let now = MonotonicTime.now()
        if let cached = state.withLock({ $0.keys[hash] }), cached.expires > now { return cached.result }
        let result: VerifyAPIKeyResponse?
        do {
            result = try await client.call(ConfigAPI.verifyAPIKey, VerifyAPIKeyRequest(apiKey: apiKey), metadata: metadata,
                                           timeout: .seconds(2))
        } catch where error.code == .unauthenticated {
            result = nil
        }
        let lifetime = ttl
        state.withLock { state in
            if state.keys.count > 10_000 { state.keys.removeAll() }
            state.keys[hash] = (result, now + lifetime)
        }
        return result
    }
}
