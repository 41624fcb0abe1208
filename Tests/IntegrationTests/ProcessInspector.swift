import Foundation
import Glibc

/// What /proc says about a running process: memory, CPU time, descriptors.
struct ProcessInspector {
    let pid: Int32

    /// Resident memory in KiB (`VmRSS`).
    var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
        }
        return nil
    }

    /// User plus system CPU time, in clock ticks.
    var cpuTicks: Int? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14, stime 15 (1-based), so 11 and 12 here.
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// The share of one core the process used over `interval` (1.0 = a whole core).
    func cpuShare(over interval: Duration) async -> Double? {
        guard let before = cpuTicks else { return nil }
        let start = ContinuousClock.now
        try? await Task.sleep(for: interval)
        guard let after = cpuTicks else { return nil }
        let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
        return Double(after - before) / Double(sysconf(Int32(_SC_CLK_TCK))) / seconds
    }

    /// The targets of the process's open descriptors (`anon_inode:[eventpoll]`, `socket:[…]`...).
    var descriptors: [String] {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\($0)") }
    }

    /// The kernel names of the process's threads.
    var threadNames: [String] {
        let directory = "/proc/\(pid)/task"
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "\(directory)/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// How many established TCP connections on local `port` the process holds (accepted by it): its socket
    /// descriptors matched against `/proc/net/tcp`.
    func acceptedConnections(onPort port: Int) -> Int {
        let inodes = Set(descriptors.compactMap { target -> String? in
            guard target.hasPrefix("socket:[") else { return nil }
            return String(target.dropFirst(8).dropLast())
        })
        var count = 0
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end with read(2): /proc files report a size of 0, and Foundation may stop after the first page.
            let descriptor = open(table, O_RDONLY)
            guard descriptor >= 0 else { continue }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count <= 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
            close(descriptor)
            let text = String(decoding: bytes, as: UTF8.self)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port,
                      fields[3] == "01", inodes.contains(String(fields[9])) else { continue }
                count += 1
            }
        }
        return count
    }

    /// The number of epoll instances: one per event loop.
    var eventLoops: Int { descriptors.filter { $0.contains("eventpoll") }.count }
}
