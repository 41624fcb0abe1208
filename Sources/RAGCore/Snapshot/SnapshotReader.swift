import Foundation

/// Reads what ``SnapshotWriter`` wrote, from a memory-mapped file, checking every length against the
/// bytes left (a truncated or corrupt snapshot fails cleanly and the index is rebuilt from the store).
struct SnapshotReader {
    struct Corrupt: Error {}

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private mutating func take(_ count: Int) throws(Corrupt) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - offset else { throw Corrupt() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }

    mutating func u8() throws(Corrupt) -> UInt8 { try take(1)[0] }
    mutating func u32() throws(Corrupt) -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func u64() throws(Corrupt) -> UInt64 { UInt64(littleEndian: try take(8).loadUnaligned(as: UInt64.self)) }
    mutating func f64() throws(Corrupt) -> Double { Double(bitPattern: try u64()) }

    mutating func int() throws(Corrupt) -> Int {
        let value = Int64(bitPattern: try u64())
        guard value >= 0, value <= Int64(Int32.max) * 64 else { throw Corrupt() }
        return Int(value)
    }

    mutating func string() throws(Corrupt) -> String {
        let count = Int(try u32())
        return String(decoding: try take(count), as: UTF8.self)
    }

    /// `count` raw elements into `destination`.
    mutating func raw<T>(_ count: Int, into destination: UnsafeMutablePointer<T>) throws(Corrupt) {
        let (size, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        guard !overflow else { throw Corrupt() }
        let source = try take(size)
        if size > 0, let base = source.baseAddress { UnsafeMutableRawPointer(destination).copyMemory(from: base, byteCount: size) }
    }

    mutating func array<T>(of type: T.Type, filler: T) throws(Corrupt) -> [T] {
        let count = try int()
        guard count.multipliedReportingOverflow(by: MemoryLayout<T>.stride).partialValue <= bytes.count - offset else { throw Corrupt() }
        var values = [T](repeating: filler, count: count)
        var failure: Corrupt?
        values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            do throws(Corrupt) { try raw(count, into: base) } catch { failure = error }
        }
        if let failure { throw failure }
        return values
    }
}
