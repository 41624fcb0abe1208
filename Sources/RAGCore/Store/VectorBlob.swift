/// Vectors as stored: little-endian IEEE-754 float32, back to back (the layout Redis keys use too).
public enum VectorBlob {
    public static func encode(_ vector: [Float]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: vector.count * 4)
        for (index, value) in vector.enumerated() {
            let bits = value.bitPattern.littleEndian
            bytes[index * 4] = UInt8(truncatingIfNeeded: bits)
            bytes[index * 4 + 1] = UInt8(truncatingIfNeeded: bits >> 8)
            bytes[index * 4 + 2] = UInt8(truncatingIfNeeded: bits >> 16)
            bytes[index * 4 + 3] = UInt8(truncatingIfNeeded: bits >> 24)
        }
        return bytes
    }

    /// The vector in `bytes`; nil when the length is not a multiple of 4.
    public static func decode(_ bytes: [UInt8]) -> [Float]? {
        guard bytes.count % 4 == 0 else { return nil }
        var vector = [Float](repeating: 0, count: bytes.count / 4)
        vector.withUnsafeMutableBytes { output in
            bytes.withUnsafeBytes { input in output.copyMemory(from: input) }
        }
        #if _endian(big)
        for index in vector.indices { vector[index] = Float(bitPattern: UInt32(littleEndian: vector[index].bitPattern)) }
        #endif
        return vector
    }
}
