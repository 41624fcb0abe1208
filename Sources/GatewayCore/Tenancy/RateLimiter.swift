import Foundation
import NetworkCore

/// Token-bucket rate limiting keyed by tenant or API key.
///
/// Each bucket holds up to `rate × burstSeconds` tokens and refills at `rate` per second; a request takes
/// one. The decision carries what the `RateLimit-*` and `Retry-After` headers need. Every conversion to an
/// integer saturates, so no rate, however large or small, can trap (rates are also validated where they
/// enter: company configuration, flags and environment).
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
    private let maximumBuckets: Int

    public init(burstSeconds: Double = 2, maximumBuckets: Int = 100_000) {
        self.burstSeconds = burstSeconds
        self.maximumBuckets = maximumBuckets
    }

    /// Takes a token from the bucket `key` refilling at `rate` per second.
    public func take(_ key: String, rate: Double) -> Decision {
        let rate = Self.sane(rate)
        let capacity = max(1, rate * burstSeconds)
        let now = MonotonicTime.now()
        return buckets.withLock { buckets in
            if buckets.count >= maximumBuckets && buckets[key] == nil { buckets.removeAll() }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = Double(now &- bucket.updated) / 1e9
            bucket.tokens = min(capacity, bucket.tokens + elapsed * rate)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            let untilToken = allowed ? 0 : (1 - bucket.tokens) / rate
            let untilFull = (capacity - bucket.tokens) / rate
            return Decision(allowed: allowed, limit: Int(saturating: capacity), remaining: max(0, Int(saturating: bucket.tokens)),
                            resetSeconds: Int(saturating: (allowed ? untilFull : untilToken).rounded(.up)))
        }
    }

    /// A usable rate: positive and finite (anything else is treated as the smallest allowed rate).
    static func sane(_ rate: Double) -> Double {
        guard rate.isFinite, rate > 0 else { return 0.01 }
        return min(rate, 1e12)
    }
}

extension Int {
    /// `value` rounded toward zero, clamped to `Int`'s range; 0 for NaN.
    init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= Double(Int.max) {
            self = .max
        } else if value <= Double(Int.min) {
            self = .min
        } else {
            self = Int(value)
        }
    }
}
