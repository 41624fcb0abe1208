import Foundation
import Synchronization

/// Where log lines go: standard error by default, serialized so lines never interleave.
public final class LogSink: Sendable {
    /// The output format.
    public enum Format: Sendable {
        /// `[timestamp] [company|-] [component] message`
        case text
        /// One JSON object per line: `{"ts","level","company","component","message",...}`.
        case json
    }

    private let descriptor: Int32
    private let lock = Mutex<Void>(())
    /// The format lines are written in.
    public let format: Format
    /// The lowest level written.
    public let minimumLevel: LogLevel

    /// The process-wide sink, configured from `LOG_LEVEL` and `LOG_FORMAT` (`text` or `json`).
    public static let standardError: LogSink = {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info
        let format: Format = environment["LOG_FORMAT"]?.lowercased() == "json" ? .json : .text
        return LogSink(descriptor: 2, format: format, minimumLevel: level)
    }()

    /// Creates a sink writing to a file descriptor.
    public init(descriptor: Int32, format: Format = .text, minimumLevel: LogLevel = .info) {
        self.descriptor = descriptor
        self.format = format
        self.minimumLevel = minimumLevel
    }

    /// Writes one complete line (a newline is appended).
    public func write(line: String) {
        var text = line
        text.append("\n")
        lock.withLock { _ in
            text.withUTF8 { utf8 in
                var offset = 0
                while offset < utf8.count {
                    let written = Glibc.write(descriptor, utf8.baseAddress.map { $0 + offset }, utf8.count - offset)
                    if written <= 0 {
                        if written < 0 && errno == EINTR { continue }
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
