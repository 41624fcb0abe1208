/// How an ``RPCClient`` picks among its endpoints for each call.
public enum EndpointSelection: Sendable, Equatable {
    /// Round-robin over the endpoints (stateless services).
    case roundRobin
    /// By rendezvous (highest-random-weight) hashing of the call's `tenant` metadata: every client sends
    /// a tenant to the same endpoint while it is up, and when it is down, to the next in that tenant's
    /// own order (so a failed endpoint's tenants spread over the others, and come back when it does).
    /// Calls without a tenant go round-robin. For services that keep per-tenant state in memory (RAG).
    case tenantAffinity
}

/// Rendezvous hashing: each (key, endpoint) pair gets a weight; a key's endpoints in decreasing weight.
enum RendezvousHash {
    /// The endpoint indices for `key`, best first. Deterministic across processes (FNV-1a and a mixer,
    /// not Swift's per-process seeded `Hasher`).
    static func order(key: String, endpoints: [String]) -> [Int] {
        let weights = endpoints.map { weight(key, $0) }
        return endpoints.indices.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && $0 < $1) }
    }

    static func weight(_ key: String, _ endpoint: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
        for byte in endpoint.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        // splitmix64 finaliser: spreads FNV's weak low bits.
        hash ^= hash >> 30
        hash &*= 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 27
        hash &*= 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
