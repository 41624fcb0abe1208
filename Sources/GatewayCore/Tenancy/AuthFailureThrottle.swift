import NetworkCore

/// Limits failed authentications per client address, so guessing keys costs the guesser, not the
/// config service: once an address has failed too often, its next attempts get 429 before any
/// verification is asked for, until its bucket refills.
///
/// A token bucket per address (`rate` per second, bursts of `burst`), charged only by failures; bounded
/// in the number of addresses it remembers.
public final class AuthFailureThrottle: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    private let buckets = LockedState<[String: Bucket]>([:])
    private let rate: Double
    private let burst: Double
    private let maximumAddresses: Int

    public init(rate: Double, burst: Double = 20, maximumAddresses: Int = 100_000) {
        self.rate = RateLimiter.sane(rate)
        self.burst = max(1, burst)
        self.maximumAddresses = maximumAddresses
    }

    /// The client part of `ip:port` or `[ipv6]:port` (the port changes per connection).
    public static func address(of peer: String) -> String {
        if peer.hasPrefix("["), let close = peer.firstIndex(of: "]") { return String(peer[...close]) }
        if let colon = peer.lastIndex(of: ":"), peer.firstIndex(of: ":") == colon { return String(peer[..<colon]) }
        return peer
    }

    /// Seconds the address must wait before trying again, or nil when it may try now.
    public func retryAfter(_ address: String) -> Int? {
        let now = MonotonicTime.now()
        return buckets.withLock { buckets -> Int? in
            guard let bucket = buckets[address] else { return nil }
            let tokens = min(burst, bucket.tokens + Double(now &- bucket.updated) / 1e9 * rate)
            guard tokens < 1 else { return nil }
            return max(1, Int(saturating: ((1 - tokens) / rate).rounded(.up)))
        }
    }

    /// Charges one failure to the address.
    public func recordFailure(_ address: String) {
        let now = MonotonicTime.now()
        buckets.withLock { buckets in
            if buckets.count >= maximumAddresses && buckets[address] == nil { buckets.removeAll() }
            var bucket = buckets[address] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + Double(now &- bucket.updated) / 1e9 * rate) - 1
            bucket.updated = now
            buckets[address] = bucket
        }
    }
}
