/// Bytes received on a channel and not yet consumed by its handler.
///
/// One contiguous buffer per channel: reads land at the end, the handler consumes from the front, and
/// the buffer compacts or grows only when the free space at the end runs low.
public struct InboundBuffer {
    private var storage: [UInt8]
    private var readIndex = 0
    private var writeIndex = 0
    private let initialCapacity: Int

    /// Creates an empty buffer.
    public init(capacity: Int = 16 * 1024) {
        initialCapacity = capacity
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// The number of bytes available to consume.
    public var readableBytes: Int { writeIndex - readIndex }

    /// Calls `body` with the readable bytes. The pointer is valid only during the call.
    public func withReadableBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = storage.withUnsafeBytes { raw in
            do throws(E) {
                return .success(try body(UnsafeRawBufferPointer(rebasing: raw[readIndex..<writeIndex])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Discards `count` bytes from the front.
    public mutating func consume(_ count: Int) {
        readIndex += min(count, readableBytes)
        if readIndex == writeIndex {
            readIndex = 0
            writeIndex = 0
            if storage.count > 4 * 1024 * 1024 { storage = [UInt8](repeating: 0, count: initialCapacity) }
        }
    }

    /// Removes and returns every readable byte.
    public mutating func readAll() -> [UInt8] {
        let bytes = Array(storage[readIndex..<writeIndex])
        consume(readableBytes)
        return bytes
    }

    /// Appends bytes (tests and TLS plumbing).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        ensureWritable(bytes.count)
        storage.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[writeIndex..<writeIndex + bytes.count]).copyMemory(from: bytes)
        }
        writeIndex += bytes.count
    }

    /// Makes sure at least `minimum` bytes are free at the end.
    mutating func ensureWritable(_ minimum: Int) {
        if storage.count - writeIndex >= minimum { return }
        if readIndex > 0 {
            let readable = readableBytes
            storage.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                base.copyMemory(from: base + readIndex, byteCount: readable)
            }
            readIndex = 0
            writeIndex = readable
            if storage.count - writeIndex >= minimum { return }
        }
        var capacity = max(storage.count, 1024)
        while capacity - writeIndex < minimum { capacity *= 2 }
        storage.append(contentsOf: repeatElement(0, count: capacity - storage.count))
    }

    /// Lets `body` write into the free space at the end; `body` returns how many bytes it wrote (or ≤ 0).
    mutating func writeWithUnsafeMutableBytes(minimumSpace: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        ensureWritable(minimumSpace)
        let start = writeIndex
        let written = storage.withUnsafeMutableBytes { raw in
            body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
        if written > 0 { writeIndex += written }
        return written
    }
}
