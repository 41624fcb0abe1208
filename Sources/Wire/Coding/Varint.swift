/// Variable-length integer helpers shared by the binary coder and the frame codec.
///
/// Unsigned values are LEB128 (7 bits per byte, least significant group first, high bit = more),
/// at most 10 bytes for 64 bits. Signed values are ZigZag-mapped first so small negatives stay short.
enum Varint {
    /// The number of bytes `value` takes as a varint.
    @inline(__always)
    static func length(_ value: UInt64) -> Int {
        // 1 + floor(bits / 7) with bits = significant bits (at least 1).
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Appends `value` as a varint.
    @inline(__always)
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Writes `value` as a varint at `offset`, which must have room for `length(value)` bytes.
    @inline(__always)
    static func write(_ value: UInt64, to bytes: inout [UInt8], at offset: Int) {
        var v = value
        var i = offset
        while v >= 0x80 {
            bytes[i] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            i += 1
        }
        bytes[i] = UInt8(truncatingIfNeeded: v)
    }

    /// Reads a varint at `offset` bounded by `end`, advancing `offset`.
    /// Fails on truncation, on more than 10 bytes and on a 10th byte that overflows 64 bits.
    @inline(__always)
    static func read(
        _ bytes: UnsafeRawBufferPointer, at offset: inout Int, end: Int
    ) throws(BinaryCodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        while true {
            guard i < end else { throw BinaryCodingError(.truncated, "varint runs past the end of its region") }
            let byte = bytes[i]
            i += 1
            if shift == 63 && byte > 1 {
                throw BinaryCodingError(.malformed, "varint overflows 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                if byte == 0 && shift > 0 {
                    throw BinaryCodingError(.malformed, "overlong varint encoding")
                }
                offset = i
                return result
            }
            shift += 7
        }
    }

    /// ZigZag-encodes a signed value.
    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Reverses ``zigzag(_:)``.
    @inline(__always)
    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
