import Foundation
import NetworkCore
import Synchronization

/// Counters, gauges and histograms exposed at `/metrics` in the Prometheus text format (version 0.0.4).
///
/// Label values come from closed sets, whatever clients send: methods from ``knownMethods`` (anything else
/// is `OTHER`), routes are patterns (or `unmatched`), statuses are classes (`2xx`...), companies are ids the
/// gateway resolved from its configuration, rejection codes are the server's own.
public final class MetricsRegistry: Sendable {
    /// Histogram bucket upper bounds, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    fileprivate struct Histogram {
        var counts = [UInt64](repeating: 0, count: MetricsRegistry.buckets.count)
        var sum = 0.0
        var count: UInt64 = 0

        mutating func observe(_ value: Double) {
            for (index, bound) in MetricsRegistry.buckets.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var statusClass: Int
        var company: String?
    }

    /// The methods counted under their own name.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// `method` if known, else `OTHER`.
    static func methodLabel(_ method: String) -> String { knownMethods.contains(method) ? method : "OTHER" }

    private struct State {
        var requests: [RequestKey: UInt64] = [:]
        var durations: [String: Histogram] = [:]  // route → histogram
        var upstream: [String: Histogram] = [:]  // service labels → histogram
        var rejected: [String: UInt64] = [:]
    }

    private let state = LockedState(State())
    private let inFlight = Atomic<Int>(0)

    public init() {}

    public func requestStarted() { inFlight.add(1, ordering: .relaxed) }

    /// Records a finished request.
    public func requestFinished(route: String, method: String, status: Int, company: String?, seconds: Double) {
        inFlight.subtract(1, ordering: .relaxed)
        // Labels are rendered only when scraped; the hot path only hashes the raw values.
        let key = RequestKey(route: route, method: Self.methodLabel(method), statusClass: min(max(status / 100, 1), 5),
                             company: company)
        state.withLock { state in
            state.requests[key, default: 0] += 1
            state.durations[route, default: Histogram()].observe(seconds)
        }
    }

    /// Records a call to a downstream service.
    public func upstreamCall(service: String, outcome: String, seconds: Double) {
        let labels = "service=\(Self.quote(service)),outcome=\(Self.quote(outcome))"
        state.withLock { $0.upstream[labels, default: Histogram()].observe(seconds) }
    }

    /// Records a request refused before routing (parse errors, limits, timeouts).
    public func requestRejected(code: String) {
        state.withLock { $0.rejected["code=\(Self.quote(code))", default: 0] += 1 }
    }

    /// The exposition text.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = ""
        out += "# HELP gateway_http_requests_total HTTP requests answered, by route pattern, method, status class and company.\n"
        out += "# TYPE gateway_http_requests_total counter\n"
        let requestLines = snapshot.requests.map { key, count in
            "gateway_http_requests_total{route=\(Self.quote(key.route)),method=\(Self.quote(key.method)),"
                + "status=\"\(key.statusClass)xx\",company=\(Self.quote(key.company ?? ""))} \(count)\n"
        }
        for line in requestLines.sorted() { out += line }
        out += "# HELP gateway_http_requests_in_flight HTTP requests being handled.\n"
        out += "# TYPE gateway_http_requests_in_flight gauge\n"
        out += "gateway_http_requests_in_flight \(inFlight.load(ordering: .relaxed))\n"
        out += "# HELP gateway_http_rejected_total Requests refused before routing (malformed, too large, too slow).\n"
        out += "# TYPE gateway_http_rejected_total counter\n"
        for (labels, count) in snapshot.rejected.sorted(by: { $0.key < $1.key }) {
            out += "gateway_http_rejected_total{\(labels)} \(count)\n"
        }
        var durations: [String: Histogram] = [:]
        for (route, histogram) in snapshot.durations { durations["route=\(Self.quote(route))"] = histogram }
        out += histogramText("gateway_http_request_duration_seconds", "HTTP request latency by route pattern.", durations)
        out += histogramText("gateway_upstream_call_duration_seconds", "Wire call latency by downstream service and outcome.",
                             snapshot.upstream)
        return out
    }

    private func histogramText(_ name: String, _ help: String, _ histograms: [String: Histogram]) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (labels, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.buckets.enumerated() {
                out += "\(name)_bucket{\(labels),le=\"\(bound)\"} \(histogram.counts[index])\n"
            }
            out += "\(name)_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
            out += "\(name)_sum{\(labels)} \(histogram.sum)\n"
            out += "\(name)_count{\(labels)} \(histogram.count)\n"
        }
        return out
    }

    /// A label value in quotes, with `\`, `"` and newlines escaped as the exposition format asks (one pass;
    /// the common value, with nothing to escape, is copied as is).
    static func quote(_ value: String) -> String {
        var quoted = "\""
        quoted.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case "\n": quoted += "\\n"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
