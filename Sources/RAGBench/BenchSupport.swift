import Foundation
import TenantStorage
import Wire

/// A scope for a benchmark tenant (the ids come from the fixture or are fixed, and are valid).
func benchScope(_ id: String) -> TenantScope {
    guard let company = CompanyID(id),
          let scope = try? TenantScope(company: Company(id: company, companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents")) else {
        fatalError("'\(id)' is not a valid company id")
    }
    return scope
}

/// p50 and p99 of latencies in milliseconds.
func percentiles(_ milliseconds: [Double]) -> (p50: Double, p99: Double) {
    let sorted = milliseconds.sorted()
    guard !sorted.isEmpty else { return (.nan, .nan) }
    func at(_ p: Double) -> Double { sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))] }
    return (at(0.5), at(0.99))
}

/// The process's resident memory in bytes (`VmRSS`).
func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
    return 0
}

func milliseconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
}
