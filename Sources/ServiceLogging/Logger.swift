import Foundation

/// A structured logger bound to a component and, where known, a tenant and a request.
///
/// Text lines look like `[2026-11-25T10:00:00.123Z] [benova] [gateway] message rid=…` (`-` when no company is
/// known); `LOG_FORMAT=json` writes one JSON object per line instead. A logger without its own company or
/// request takes the ones of the work the task is doing (``LogContext``), and every message has e-mail
/// addresses, phone and ID numbers redacted (``PersonalDataRedaction``) before it is written.
public struct Logger: Sendable {
    /// The component writing (`gateway`, `config`, `wire`...).
    public var component: String
    /// The tenant the current work is for, if any.
    public var company: String?
    /// The request being served, if any.
    public var requestID: String?
    /// Where lines go.
    public var sink: LogSink

    /// Creates a logger.
    public init(component: String, company: String? = nil, requestID: String? = nil, sink: LogSink = .standardError) {
        self.component = component
        self.company = company
        self.requestID = requestID
        self.sink = sink
    }

    /// A copy bound to a tenant and request.
    public func with(company: String?, requestID: String? = nil) -> Logger {
        var copy = self
        copy.company = company
        copy.requestID = requestID ?? self.requestID
        return copy
    }

    /// Whether lines of `level` are written.
    public func isEnabled(_ level: LogLevel) -> Bool { level >= sink.minimumLevel }

    public func trace(_ message: @autoclosure () -> String) { log(.trace, message()) }
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    public func notice(_ message: @autoclosure () -> String) { log(.notice, message()) }
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    public func critical(_ message: @autoclosure () -> String) { log(.critical, message()) }

    /// Writes `message` at `level` if enabled.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String) {
        guard isEnabled(level) else { return }
        sink.write(line: render(level, message(), at: Date()))
    }

    /// Formats one line without writing it.
    public func render(_ level: LogLevel, _ message: String, at date: Date) -> String {
        let timestamp = Self.timestamp(date)
        let company = self.company ?? LogContext.company
        let requestID = self.requestID ?? LogContext.requestID
        let message = PersonalDataRedaction.redact(message)
        switch sink.format {
        case .text:
            var line = "[\(timestamp)] [\(company ?? "-")] [\(component)] "
            if level >= .warning { line += "\(level) " }
            line += message
            if let requestID { line += " rid=\(requestID)" }
            return line
        case .json:
            var line = "{\"ts\":\"\(timestamp)\",\"level\":\"\(level)\",\"company\":"
            line += company.map { Self.jsonString($0) } ?? "null"
            line += ",\"component\":\(Self.jsonString(component)),\"message\":\(Self.jsonString(message))"
            if let requestID { line += ",\"request_id\":\(Self.jsonString(requestID))" }
            return line + "}"
        }
    }

    static func timestamp(_ date: Date) -> String { Timestamp.iso8601(date, milliseconds: true) }

    /// A JSON string literal for `text`.
    public static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
