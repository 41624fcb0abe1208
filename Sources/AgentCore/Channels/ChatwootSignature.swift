import CryptoPrimitives
import Foundation

/// Chatwoot's webhook signature (v4.11.2+ account webhooks, v4.13.0+ agent-bot and API-inbox callbacks):
/// `X-Chatwoot-Signature: sha256=<hex(HMAC-SHA256(secret, timestamp + "." + raw body))>` with
/// `X-Chatwoot-Timestamp` in Unix seconds. Verified against the raw received bytes, in constant time, with
/// the timestamp no more than ``maximumAge`` old and no more than ``maximumSkew`` in the future.
public struct ChatwootSignature: Sendable {
    /// Why a delivery's signature is refused.
    public enum Refusal: String, Error, Sendable, Equatable {
        case missing = "signature_missing"
        case malformed = "signature_malformed"
        case stale = "signature_stale"
        case mismatch = "signature_mismatch"
    }

    public static let maximumAge: TimeInterval = 300
    public static let maximumSkew: TimeInterval = 30

    /// The header value Chatwoot sends for `body` at `timestamp`.
    public static func sign(body: [UInt8], timestamp: String, secret: String) -> String {
        "sha256=" + Digest.hex(Digest.hmacSHA256(key: Array(secret.utf8), message: Array((timestamp + ".").utf8) + body))
    }

    /// Checks a delivery's signature headers against its raw body.
    public static func verify(body: [UInt8], signature: String?, timestamp: String?, secret: String, now: Date) throws(Refusal) {
        guard let signature, let timestamp, !signature.isEmpty, !timestamp.isEmpty else { throw .missing }
        guard timestamp.count <= 12, timestamp.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seconds = TimeInterval(timestamp),
              signature.hasPrefix("sha256="), let given = Digest.bytes(fromHex: String(signature.dropFirst(7))), given.count == 32 else {
            throw .malformed
        }
        let age = now.timeIntervalSince1970 - seconds
        guard age <= maximumAge, age >= -maximumSkew else { throw .stale }
        let expected = Digest.hmacSHA256(key: Array(secret.utf8), message: Array((timestamp + ".").utf8) + body)
        guard Digest.constantTimeEqual(expected, given) else { throw .mismatch }
    }
}
