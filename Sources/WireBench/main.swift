import Foundation
import NetworkCore
import ServiceLogging
import ServiceRuntime
import Wire
import WireRPC

// wire-bench: measures the Wire RPC stack.
//
//   wire-bench [--duration 5] [--warmup 1] [--payload 200] [--rounds 3] [--grpc-echo PATH] [--only VARIANTS]
//   wire-bench serve --listen ADDRESS          (the echo server the benchmark starts as a child process)
//   wire-bench codec                           (only the encode/decode throughput)
//
// Reports, for a unary echo of a `payload`-character message over a Unix socket and over TCP, p50/p99
// latency with one call in flight and calls/s with 64 in flight, plus binary encode/decode throughput of a
// chat request with ten history turns. With --grpc-echo (the grpc-swift-2 peer, built separately) it
// alternates ours and gRPC's TCP runs in the same process tree and prints the ratios. --only takes a
// comma-separated subset of the variants (unix, tcp, unix-loop, tcp-loop), e.g. to profile one of them.

let options = CommandLineOptions()
let duration = Double(options.value("duration") ?? "5") ?? 5
let warmup = Double(options.value("warmup") ?? "1") ?? 1
let payloadSize = Int(options.value("payload") ?? "200") ?? 200
let rounds = Int(options.value("rounds") ?? "3") ?? 3
/// The service credential shared with the `serve` child (made up per run).
let benchCredentialText = ProcessInfo.processInfo.environment["WIRE_BENCH_CREDENTIAL"]
    ?? "bench-" + String(UInt64.random(in: 0...UInt64.max), radix: 16) + String(UInt64.random(in: 0...UInt64.max), radix: 16) + "-credential"
let benchCredential = ServiceCredential(secret: benchCredentialText)

func serve() async -> Int32 {
    guard let text = options.value("listen"), let address = try? SocketAddress(parsing: text) else {
        print("usage: wire-bench serve --listen ADDRESS")
        return 2
    }
    var router = RPCRouter()
    router.registerStandardMethods(health: HealthReporter(service: "bench", version: BuildInfo.version))
    do {
        // TCP callers authenticate with the credential the parent passes, as the services' do.
        let configuration = RPCServerConfiguration(addresses: [address], serviceCredential: benchCredential)
        let server = RPCServer(configuration: configuration, router: router,
                               logger: Logger(component: "bench", sink: LogSink(descriptor: 2, minimumLevel: .warning)))
        try await server.start()
        print("ready")
        fflush(nil)
        while true { try await Task.sleep(for: .seconds(3_600)) }
    } catch {
        print("error: \(error)")
        return 1
    }
}

/// Runs `concurrency` workers calling echo back to back; returns latencies measured after the warm-up.
/// With an `executor`, the workers run on it (the client's event loop) instead of the global executor.
func measure(client: RPCClient, concurrency: Int, executor: EventLoop?) async throws -> LatencyStats {
    let message = EchoMessage(text: String(repeating: "x", count: payloadSize))
    let start = MonotonicTime.now()
    let recordFrom = start + UInt64(warmup * 1e9)
    let end = recordFrom + UInt64(duration * 1e9)
    let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
        for _ in 0..<concurrency {
            group.addTask(executorPreference: executor) {
                var samples: [UInt64] = []
                samples.reserveCapacity(1 << 16)
                while true {
                    let t0 = MonotonicTime.now()
                    if t0 >= end { break }
                    let reply = try await client.call(StandardMethods.echo, message, timeout: .seconds(10))
                    let t1 = MonotonicTime.now()
                    guard reply.text.utf8.count == payloadSize else { throw RPCError(.dataLoss, "bad echo") }
                    if t0 >= recordFrom { samples.append(t1 - t0) }
                }
                return samples
            }
        }
        var all: [UInt64] = []
        for try await samples in group { all.append(contentsOf: samples) }
        return all
    }
    return LatencyStats(latencies: latencies, seconds: duration)
}

/// Starts `wire-bench serve` as a child process and waits until it is ready.
func startServer(_ address: SocketAddress) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    process.arguments = ["serve", "--listen", address.description]
    var environment = ProcessInfo.processInfo.environment
    environment["WIRE_BENCH_CREDENTIAL"] = benchCredentialText
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    _ = pipe.fileHandleForReading.availableData  // "ready"
    return process
}

struct TransportResult {
    var single: LatencyStats
    var parallel: LatencyStats
}

/// Measures our stack against a fresh `wire-bench serve` child process. `onLoop`: the calling tasks run
/// on the client's event loop (as the gateway's request handlers do) rather than on the global executor.
func benchOurs(_ address: SocketAddress, onLoop: Bool) async throws -> TransportResult {
    let server = try startServer(address)
    defer {
        server.terminate()
        server.waitUntilExit()
    }
    let group = try EventLoopGroup(loopCount: 1, name: "bench-client")
    defer { group.shutdown() }
    let client = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
        callerName: "wire-bench", serviceCredential: benchCredential), group: group)
    defer { client.close() }
    _ = try await client.call(StandardMethods.echo, EchoMessage(text: "warm"))
    let executor = onLoop ? group.loops[0] : nil
    let single = try await measure(client: client, concurrency: 1, executor: executor)
    let parallel = try await measure(client: client, concurrency: 64, executor: executor)
    return TransportResult(single: single, parallel: parallel)
}

/// Runs the grpc-swift-2 peer's server and its built-in client; parses its result lines.
func benchGRPC(_ path: String) throws -> TransportResult {
    let port = 40_000 + Int.random(in: 0..<10_000)
    let server = Process()
    server.executableURL = URL(fileURLWithPath: path)
    server.arguments = ["serve", "--port", "\(port)"]
    let pipe = Pipe()
    server.standardOutput = pipe
    try server.run()
    _ = pipe.fileHandleForReading.availableData
    defer {
        server.terminate()
        server.waitUntilExit()
    }
    func run(_ concurrency: Int) throws -> LatencyStats {
        let client = Process()
        client.executableURL = URL(fileURLWithPath: path)
        client.arguments = ["bench", "--port", "\(port)", "--concurrency", "\(concurrency)",
                            "--duration", "\(Int(duration))", "--warmup", "\(Int(max(1, warmup)))",
                            "--payload", "\(payloadSize)"]
        let output = Pipe()
        client.standardOutput = output
        try client.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        client.waitUntilExit()
        let line = String(decoding: data, as: UTF8.self)
        var fields: [String: Double] = [:]
        for pair in line.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { fields[String(parts[0])] = value }
        }
        return LatencyStats(calls: Int(fields["calls"] ?? 0), seconds: fields["elapsed_s"] ?? duration,
                            p50: fields["p50_us"] ?? .nan, p99: fields["p99_us"] ?? .nan)
    }
    return TransportResult(single: try run(1), parallel: try run(64))
}

extension LatencyStats {
    init(calls: Int, seconds: Double, p50: Double, p99: Double) {
        self.calls = calls
        self.seconds = seconds
        self.p50 = p50
        self.p99 = p99
    }
}

func benchCodec() throws -> (size: Int, encodeMBps: Double, decodeMBps: Double) {
    let sample = ChatRequestSample.make()
    let encoder = BinaryEncoder()
    let decoder = BinaryDecoder()
    let bytes = try encoder.encode(sample)
    guard try decoder.decode(ChatRequestSample.self, from: bytes) == sample else {
        throw BinaryCodingError(.invalidValue, "sample does not round-trip")
    }
    func rate(_ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<2_000 { try body() }  // warm-up
        var iterations = 0
        let start = MonotonicTime.now()
        var elapsed: UInt64 = 0
        while elapsed < 1_000_000_000 {
            for _ in 0..<1_000 { try body() }
            iterations += 1_000
            elapsed = MonotonicTime.now() - start
        }
        return Double(iterations * bytes.count) / (Double(elapsed) / 1e9) / 1e6
    }
    var sink = 0
    let encodeRate = try rate { sink &+= try encoder.encode(sample).count }
    let decodeRate = try rate { sink &+= try decoder.decode(ChatRequestSample.self, from: bytes).history.count }
    if sink == 42 { print("") }
    return (bytes.count, encodeRate, decodeRate)
}

func runBenchmarks() async -> Int32 {
    do {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("wire-bench: payload \(payloadSize) chars, \(Int(duration)) s per run after \(warmup) s warm-up, "
              + "\(rounds) rounds, \(cores) cores")
        let codec = try benchCodec()
        print("codec: chat request with 10 history turns = \(codec.size) bytes; "
              + "encode \(format(codec.encodeMBps)) MB/s, decode \(format(codec.decodeMBps)) MB/s")
        let directory = NSTemporaryDirectory() + "wire-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let grpcPath = options.value("grpc-echo")
        var ours: [String: [TransportResult]] = [:]
        var grpc: [TransportResult] = []
        let only = options.value("only").map { Set($0.split(separator: ",").map(String.init)) }
        let variants: [(key: String, unix: Bool, onLoop: Bool)] = [
            ("unix", true, false), ("tcp", false, false), ("unix-loop", true, true), ("tcp-loop", false, true),
        ].filter { only?.contains($0.key) ?? true }
        for round in 1...rounds {
            var line = "round \(round):"
            for variant in variants {
                let address: SocketAddress = variant.unix
                    ? .unix(path: "\(directory)/bench.sock") : .tcp(host: "127.0.0.1", port: 30_000 + Int.random(in: 0..<10_000))
                let result = try await benchOurs(address, onLoop: variant.onLoop)
                ours[variant.key, default: []].append(result)
                line += " wire \(variant.key) p50 \(format(result.single.p50)) µs, 64-way \(format(result.parallel.callsPerSecond, decimals: 0)) calls/s,"
            }
            if let grpcPath {
                let peer = try benchGRPC(grpcPath)
                grpc.append(peer)
                line += " grpc tcp p50 \(format(peer.single.p50)) µs, 64-way \(format(peer.parallel.callsPerSecond, decimals: 0)) calls/s"
            }
            print(line)
        }
        print("\n| transport | p50 (1 in flight) | p99 (1 in flight) | calls/s (1 in flight) | calls/s (64 in flight) | p50 (64) | p99 (64) |")
        print("|---|---|---|---|---|---|---|")
        func row(_ name: String, _ results: [TransportResult]) {
            print("| \(name) | \(format(median(results.map(\.single.p50)))) µs | \(format(median(results.map(\.single.p99)))) µs | "
                  + "\(format(median(results.map(\.single.callsPerSecond)), decimals: 0)) | "
                  + "\(format(median(results.map(\.parallel.callsPerSecond)), decimals: 0)) | "
                  + "\(format(median(results.map(\.parallel.p50)))) µs | \(format(median(results.map(\.parallel.p99)))) µs |")
        }
        row("Wire, Unix socket", ours["unix"] ?? [])
        row("Wire, TCP", ours["tcp"] ?? [])
        row("Wire, Unix socket, callers on the event loop", ours["unix-loop"] ?? [])
        row("Wire, TCP, callers on the event loop", ours["tcp-loop"] ?? [])
        if !grpc.isEmpty {
            row("grpc-swift-2, TCP", grpc)
            let tcp = ours["tcp"] ?? []
            print("\nratios (medians, Wire TCP vs grpc-swift-2 TCP): p50 latency \(format(median(grpc.map(\.single.p50)) / median(tcp.map(\.single.p50)), decimals: 1))× lower, "
                  + "64-way throughput \(format(median(tcp.map(\.parallel.callsPerSecond)) / median(grpc.map(\.parallel.callsPerSecond)), decimals: 1))× higher")
        }
        return 0
    } catch {
        print("error: \(error)")
        return 1
    }
}

switch options.positional.first {
case "serve":
    exit(await serve())
case "codec":
    do {
        let codec = try benchCodec()
        print("codec: \(codec.size) bytes; encode \(format(codec.encodeMBps)) MB/s, decode \(format(codec.decodeMBps)) MB/s")
        exit(0)
    } catch {
        print("error: \(error)")
        exit(1)
    }
default:
    exit(await runBenchmarks())
}
