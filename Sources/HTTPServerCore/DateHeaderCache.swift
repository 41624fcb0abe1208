import Foundation
import NetworkCore

/// The `Date` header value (IMF-fixdate), formatted at most once per second.
final class DateHeaderCache: Sendable {
    private let cache = LockedState<(second: Int, value: [UInt8])>((-1, []))

    /// The current value's bytes.
    func current() -> [UInt8] {
        let now = Int(Date().timeIntervalSince1970)
        return cache.withLock { entry in
            if entry.second != now {
                entry = (now, Array(Self.format(now).utf8))
            }
            return entry.value
        }
    }

    static func format(_ seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
