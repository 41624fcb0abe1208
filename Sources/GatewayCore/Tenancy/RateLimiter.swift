import Foundation
import NetworkCore

/// Token-bucket rate limiting keyed by tenant or API key.
///
/// Each bucket holds up to `rate × burstSeconds` tokens and refills at `rate` per second; a request takes
/// one. The decision carries what the `RateLimit-*` and `Retry-After` headers need.
public final class RateLimiter: Sendable {
    /// The outcome for one request.
    public struct Decision: Sendable {
        public var allowed: Bool
        public var limit: Int
        public var remaining: Int
        /// Seconds until a token is available (when refused) or until the bucket is full.
        public var resetSeconds: Int
    }

    private struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    private let buckets = LockedState<[String: Bucket]>([:])
    private let burstSeconds: Double

    public init(burstSeconds: Double = 2) { self.burstSeconds = burstSeconds }

    /// Takes a token from the bucket `key` refilling at `rate` per second.
    public func take(_ key: String, rate: Double) -> Decision {
        let capacity = max(1, rate * burstSeconds)
        let now = MonotonicTime.now()
        return buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets.removeAll() }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = Double(now - bucket.updated) / 1e9
            bucket.tokens = min(capacity, bucket.tokens + elapsed * rate)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            let untilToken = allowed ? 0 : (1 - bucket.tokens) / rate
            let untilFull = (capacity - bucket.tokens) / rate
            return Decision(allowed: allowed, limit: Int(capacity), remaining: max(0, Int(bucket.tokens)),
                            resetSeconds: Int((allowed ? untilFull : untilToken).rounded(.up)))
        }
    }
}
