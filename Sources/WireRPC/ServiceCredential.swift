import CryptoPrimitives

/// The shared secret that authenticates callers on TCP Wire listeners.
///
/// Each call carries `caller-auth` metadata: `hex(HMAC-SHA256(secret, "wire-caller-v1:" + caller))`, which
/// binds the caller's name to the secret. The server recomputes it and compares in constant time; a call
/// without it, or with a wrong one, fails with `unauthenticated` before any handler runs. (Mutual TLS is
/// the alternative: a verified client certificate names the caller by its common name.)
public struct ServiceCredential: Sendable, Equatable {
    /// The metadata key carrying the token.
    public static let metadataKey = "caller-auth"
    /// The shortest secret accepted, in bytes.
    public static let minimumSecretLength = 32

    private let secret: [UInt8]

    /// A credential from its secret (at least ``minimumSecretLength`` bytes); nil when too short.
    public init?(secret: String) {
        let bytes = Array(secret.utf8)
        guard bytes.count >= Self.minimumSecretLength else { return nil }
        self.secret = bytes
    }

    /// The token a caller named `caller` sends.
    public func token(for caller: String) -> String {
        Digest.hex(Digest.hmacSHA256(key: secret, message: Array("wire-caller-v1:\(caller)".utf8)))
    }

    /// Whether `token` is the one for `caller` (constant time).
    public func verify(token: String, caller: String) -> Bool {
        Digest.constantTimeEqual(Array(token.utf8), Array(self.token(for: caller).utf8))
    }
}
