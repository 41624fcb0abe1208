/// Bounds-checked reads of fixed-width numbers from a byte buffer: nil past the end, never a trap, so a
/// truncated or hostile header is an answer, not a crash.
struct ByteReader {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func byte(_ offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }

    func has(_ offset: Int, _ length: Int) -> Bool { offset >= 0 && length >= 0 && offset <= bytes.count - length }

    /// Whether the bytes at `offset` are `prefix`.
    func matches(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
        guard has(offset, prefix.count) else { return false }
        for (index, value) in prefix.enumerated() where bytes[offset + index] != value { return false }
        return true
    }

    func matches(_ text: String, at offset: Int = 0) -> Bool { matches(Array(text.utf8), at: offset) }

    func uint16BE(_ offset: Int) -> Int? {
        guard has(offset, 2) else { return nil }
        return Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
    }

    func uint16LE(_ offset: Int) -> Int? {
        guard has(offset, 2) else { return nil }
        return Int(bytes[offset + 1]) << 8 | Int(bytes[offset])
    }

    func uint24LE(_ offset: Int) -> Int? {
        guard has(offset, 3) else { return nil }
        return Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset])
    }

    func uint32BE(_ offset: Int) -> Int? {
        guard has(offset, 4) else { return nil }
        return (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    func uint32LE(_ offset: Int) -> Int? {
        guard has(offset, 4) else { return nil }
        return (0..<4).reversed().reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
    }

    func uint64BE(_ offset: Int) -> UInt64? {
        guard has(offset, 8) else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }

    func uint64LE(_ offset: Int) -> UInt64? {
        guard has(offset, 8) else { return nil }
        return (0..<8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }
}
