import CryptoPrimitives

/// A Lua script run with `EVALSHA` (falling back to `EVAL` the first time a server has not seen it), for
/// read-modify-write steps that must be atomic (append-and-trim, claim-if-free).
public struct RedisScript: Sendable, Equatable {
    public let source: String
    /// The script's SHA-1, as Redis names it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = Digest.hex(Digest.sha1(Array(source.utf8)))
    }
}
