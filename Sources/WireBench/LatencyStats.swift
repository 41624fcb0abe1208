/// Percentiles and throughput of a batch of call latencies.
struct LatencyStats {
    let calls: Int
    let seconds: Double
    let p50: Double
    let p99: Double

    /// - Parameter latencies: nanoseconds per call.
    init(latencies: [UInt64], seconds: Double) {
        let sorted = latencies.sorted()
        calls = sorted.count
        self.seconds = seconds
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1_000
        }
        p50 = percentile(50)
        p99 = percentile(99)
    }

    var callsPerSecond: Double { Double(calls) / seconds }
}

func format(_ value: Double, decimals: Int = 1) -> String {
    guard value.isFinite else { return "n/a" }
    var factor = 1.0
    for _ in 0..<decimals { factor *= 10 }
    let rounded = (value * factor).rounded() / factor
    return decimals == 0 ? String(Int(rounded)) : String(rounded)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.filter(\.isFinite).sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
