import Foundation

/// ISO-8601 UTC timestamps formatted without Foundation's date formatters, which are far too slow for
/// log lines and per-request responses.
public enum Timestamp {
    /// `2026-11-25T10:00:00Z`, or `2026-11-25T10:00:00.123Z` with milliseconds.
    public static func iso8601(_ date: Date, milliseconds: Bool = false) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(totalMilliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
        if milliseconds { text += "." + pad(Int32(totalMilliseconds % 1000), 3) }
        return text + "Z"
    }
}
