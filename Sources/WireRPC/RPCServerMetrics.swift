import Synchronization

/// Counts and times every call a server answers: by method, company (the call's `tenant` metadata, or `-`) and
/// status code, with a latency histogram per method and company. Rendered in Prometheus' text format by the
/// standard `metrics` method, each series labelled with the service. At most ``maximumCompanies`` distinct
/// companies get their own series (more are counted as `other`), so no caller can grow the table without bound.
public final class RPCServerMetrics: Sendable {
    /// Histogram bucket bounds, in seconds.
    public static let bounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    public static let maximumCompanies = 1_000

    struct CallKey: Hashable { var method: String; var company: String; var code: String }
    struct SeriesKey: Hashable { var method: String; var company: String }
    struct Histogram {
        var buckets = [UInt64](repeating: 0, count: RPCServerMetrics.bounds.count)
        var count: UInt64 = 0
        var sum = 0.0
    }
    struct State {
        var calls: [CallKey: UInt64] = [:]
        var latency: [SeriesKey: Histogram] = [:]
        var companies: Set<String> = []
    }

    private let state = Mutex(State())
    /// What the service adds to its figures (each returns complete Prometheus text).
    private let sources = Mutex<[@Sendable () async -> String]>([])

    public init() {}

    /// Records one answered call.
    public func record(method: String, company: String?, code: String, seconds: Double) {
        state.withLock { state in
            var label = company.flatMap { $0.isEmpty ? nil : $0 } ?? "-"
            if label != "-" && !state.companies.contains(label) {
                if state.companies.count < Self.maximumCompanies { state.companies.insert(label) } else { label = "other" }
            }
            state.calls[CallKey(method: method, company: label, code: code), default: 0] += 1
            var histogram = state.latency[SeriesKey(method: method, company: label)] ?? Histogram()
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { histogram.buckets[index] += 1 }
            histogram.count += 1
            histogram.sum += seconds
            state.latency[SeriesKey(method: method, company: label)] = histogram
        }
    }

    /// Adds a source of service-specific figures to the `metrics` answer.
    public func addSource(_ source: @escaping @Sendable () async -> String) {
        sources.withLock { $0.append(source) }
    }

    /// Every figure, each series labelled `service`.
    public func render(service: String) async -> String {
        let snapshot = state.withLock { $0 }
        let serviceLabel = "service=\(Self.quote(service))"
        var out = "# HELP wire_server_calls_total Wire calls answered, by method, company and status.\n# TYPE wire_server_calls_total counter\n"
        for (key, count) in snapshot.calls.sorted(by: { ($0.key.method, $0.key.company, $0.key.code) < ($1.key.method, $1.key.company, $1.key.code) }) {
            out += "wire_server_calls_total{\(serviceLabel),method=\(Self.quote(key.method)),company=\(Self.quote(key.company)),code=\(Self.quote(key.code))} \(count)\n"
        }
        out += "# HELP wire_server_call_duration_seconds Wire call latency, by method and company.\n# TYPE wire_server_call_duration_seconds histogram\n"
        for (key, histogram) in snapshot.latency.sorted(by: { ($0.key.method, $0.key.company) < ($1.key.method, $1.key.company) }) {
            let labels = "\(serviceLabel),method=\(Self.quote(key.method)),company=\(Self.quote(key.company))"
            for (index, bound) in Self.bounds.enumerated() {
                out += "wire_server_call_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(histogram.buckets[index])\n"
            }
            out += "wire_server_call_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(histogram.count)\n"
            out += "wire_server_call_duration_seconds_sum{\(labels)} \(histogram.sum)\n"
            out += "wire_server_call_duration_seconds_count{\(labels)} \(histogram.count)\n"
        }
        for source in sources.withLock({ $0 }) { out += await source() }
        return out
    }

    /// A Prometheus label value: quoted, with `\`, `"` and newlines escaped.
    public static func quote(_ value: String) -> String {
        var out = "\""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
