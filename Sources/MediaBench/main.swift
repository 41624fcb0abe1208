import Foundation
import MediaCore

// media-bench: the built-in OCR's numbers for docs/PERFORMANCE.md (not a test).
//   media-bench ocr FILE [--runs 40] [--concurrency 1]
// Reads FILE (a PNG, JPEG, GIF or WebP) with the media service's TesseractOCR (spa+eng, its own blocking pool),
// `runs` times with `concurrency` images at once after two warm-up reads (the first loads the language data),
// and prints p50/p99 latency, images per second, the characters read and the resident memory.
// One OpenMP thread per image and no spinning, as the media service runs Tesseract (restarts itself once to apply).
OpenMPSettings.applyByRestarting()
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let position = arguments.firstIndex(of: "--" + name), position + 1 < arguments.count else { return nil }
    return arguments[position + 1]
}
guard arguments.count >= 2, arguments[0] == "ocr" else {
    print("usage: media-bench ocr FILE [--runs N] [--concurrency C]")
    exit(2)
}
let runs = max(1, Int(option("runs") ?? "40") ?? 40)
let concurrency = max(1, Int(option("concurrency") ?? "1") ?? 1)
let bytes: [UInt8]
let info: MediaInfo
do {
    bytes = Array(try Data(contentsOf: URL(fileURLWithPath: arguments[1])))
    info = try MediaInspector.inspect(bytes, expecting: .image)
} catch {
    print("media-bench: \(arguments[1]): \(error)")
    exit(1)
}
let ocr = TesseractOCR(threads: concurrency)

func residentMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kib / 1024
}

do {
    var characters = 0
    for _ in 0..<max(2, concurrency) { characters = try await ocr.read(bytes, info: info).text.count }
    let started = DispatchTime.now().uptimeNanoseconds
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var mine: [Double] = []
                for _ in stride(from: worker, to: runs, by: concurrency) {
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = try await ocr.read(bytes, info: info)
                    mine.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all.sorted()
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)] }
    print(String(format: "ocr %@ %d×%d (%.2f MP, %d KB): %d reads, concurrency %d: p50 %.0f ms, p99 %.0f ms, %.2f images/s, %d characters, RSS %.0f MB",
                 info.kind.rawValue, info.width ?? 0, info.height ?? 0, Double((info.width ?? 0) * (info.height ?? 0)) / 1e6, bytes.count / 1024,
                 runs, concurrency, percentile(0.5), percentile(0.99), Double(runs) / seconds, characters, residentMB()))
} catch {
    print("media-bench: \(error)")
    exit(1)
}
