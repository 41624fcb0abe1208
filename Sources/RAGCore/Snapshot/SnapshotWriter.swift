import Foundation

/// Writes a snapshot file: little-endian integers, floats and length-prefixed strings, buffered in 1 MiB
/// pieces, to a temporary file renamed over the target when ``finish()`` succeeds (a reader never sees a
/// half-written snapshot).
final class SnapshotWriter {
    private let path: String
    private let temporaryPath: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var failed = false

    init?(path: String) {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        unlink(temporaryPath)
    }

    private func flush() {
        var offset = 0
        while offset < buffer.count && !failed {
            let written = buffer[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 { failed = true } else { offset += written }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    @inline(__always) private func reserve(_ count: Int) { if buffer.count + count > (1 << 20) { flush() } }

    func u8(_ value: UInt8) { reserve(1); buffer.append(value) }
    func u32(_ value: UInt32) { reserve(4); withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    func u64(_ value: UInt64) { reserve(8); withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    func f64(_ value: Double) { u64(value.bitPattern) }
    func int(_ value: Int) { u64(UInt64(bitPattern: Int64(value))) }

    func string(_ value: String) {
        let utf8 = value.utf8
        u32(UInt32(utf8.count))
        reserve(utf8.count)
        buffer.append(contentsOf: utf8)
    }

    /// Raw little-endian elements of a contiguous array (the host is little-endian; checked at build).
    func raw<T>(_ values: UnsafeBufferPointer<T>) {
        let bytes = UnsafeRawBufferPointer(values)
        var offset = 0
        while offset < bytes.count {
            reserve(min(1 << 20, bytes.count - offset))
            let piece = min(1 << 20, bytes.count - offset)
            buffer.append(contentsOf: bytes[offset..<(offset + piece)])
            offset += piece
        }
    }

    func array<T>(_ values: [T]) {
        int(values.count)
        values.withUnsafeBufferPointer { raw($0) }
    }

    /// Flushes, syncs and renames the file into place; false when anything failed.
    func finish() -> Bool {
        flush()
        guard !failed, fsync(descriptor) == 0 else { return false }
        return rename(temporaryPath, path) == 0
    }
}
