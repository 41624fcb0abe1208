import CLinux

/// The kernel's name of the calling thread (what `top -H`, `perf` and backtraces show).
public enum ThreadName {
    /// Names the calling thread (Linux keeps the first 15 bytes). Call it from the thread itself:
    /// Foundation's `Thread.name`, set before `start()`, does not reach the kernel on Linux.
    public static func set(_ name: String) {
        let bytes = name.utf8.prefix(15).map { CChar(bitPattern: $0) } + [0]
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = CLinux_set_thread_name(base) }
        }
    }

    /// The kernel's name of the calling thread.
    public static var current: String {
        var buffer = [CChar](repeating: 0, count: 32)
        guard CLinux_get_thread_name(&buffer, Int32(buffer.count)) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
