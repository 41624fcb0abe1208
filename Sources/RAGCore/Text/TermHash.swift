/// 64-bit FNV-1a over folded UTF-8 bytes: terms are identified by their hash, so indexing and querying
/// never build a `String` per word (a collision between two real words is about 1 in 10^19 per pair).
enum TermHash {
    static let offset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func of(_ bytes: ArraySlice<UInt8>, seed: UInt64 = offset) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= prime
        }
        return hash
    }

    /// Mixes two hashes (a word bigram).
    @inline(__always)
    static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var hash = a ^ (b &+ 0x9E37_79B9_7F4A_7C15 &+ (a << 6) &+ (a >> 2))
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return hash
    }
}
