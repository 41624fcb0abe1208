import CryptoPrimitives
import Foundation
import NetworkCore
import ServiceLogging
import ServiceRuntime
import Wire
import WireRPC

// launcher: runs the whole system on one host.
//
// Starts the five services on Unix sockets under the run directory (default `.run`), with embedded
// defaults (no Redis, no PostgreSQL), waits until each answers `health` as serving, restarts any that
// exits, and on Ctrl-C (SIGINT) or SIGTERM stops them all gracefully, in reverse start order.
//
//   launcher [--run-dir DIR] [--bin-dir DIR] [--startup-timeout 30s]

let options = CommandLineOptions()
let logger = Logger(component: "launcher")
let signals = SignalWatcher([SIGINT, SIGTERM])

let runDirectory = URL(fileURLWithPath: options.value("run-dir", environment: "WIRE_RUN_DIR") ?? ".run").standardizedFileURL
let binDirectory = options.value("bin-dir").map { URL(fileURLWithPath: $0) }
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
let startupTimeout: Duration
do {
    startupTimeout = try options.duration("startup-timeout", in: .seconds(1)...(.seconds(600))) ?? .seconds(30)
} catch {
    logger.critical("\(error)")
    exit(2)
}

do {
    try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
} catch {
    logger.critical("cannot create run directory \(runDirectory.path): \(error)")
    exit(1)
}

var environment = ProcessInfo.processInfo.environment
environment["WIRE_RUN_DIR"] = runDirectory.path
// The RAG service keeps its document database under DATA_DIR (default: the run directory's data folder).
if environment["DATA_DIR"] == nil { environment["DATA_DIR"] = runDirectory.appendingPathComponent("data").path }
if environment["COMPANIES_CONFIG_FILE"] == nil && environment["DATABASE_URL"] == nil {
    // A working copy of the example configuration (four clinics) in the run directory, made on first
    // start, so that admin changes never edit the files in the repository.
    let local = runDirectory.appendingPathComponent("companies_config.json")
    if !FileManager.default.fileExists(atPath: local.path),
       let source = ["companies_config.json", "config/companies_config.json"].first(where: { FileManager.default.fileExists(atPath: $0) }) {
        let sourceDirectory = URL(fileURLWithPath: source).deletingLastPathComponent()
        for name in ["companies_config.json", "extended_companies_config.json", "custom_prompts.json"] {
            let file = sourceDirectory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            try? FileManager.default.copyItem(at: file, to: runDirectory.appendingPathComponent(name))
        }
    }
    environment["COMPANIES_CONFIG_FILE"] = local.path
}
var addresses: [ServiceName: SocketAddress] = [:]
for service in ServiceName.allCases {
    let address = SocketAddress.unix(path: runDirectory.appendingPathComponent("\(service.rawValue).sock").path)
    addresses[service] = address
    environment[service.addressVariable] = address.description
}

// A local admin API key, created on first start and kept in the run directory (readable by the owner only).
let adminKeyFile = runDirectory.appendingPathComponent("admin-api-key")
var adminKey: String?
if environment["GATEWAY_ADMIN_API_KEYS"] == nil && environment["GATEWAY_ADMIN_API_KEY_FILE"] == nil {
    if !FileManager.default.fileExists(atPath: adminKeyFile.path) {
        let key = "adm_" + Base64URL.encode(Digest.randomBytes(32))
        guard FileManager.default.createFile(atPath: adminKeyFile.path, contents: Data((key + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            logger.critical("cannot write \(adminKeyFile.path)")
            exit(1)
        }
    }
    adminKey = (try? String(contentsOf: adminKeyFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    environment["GATEWAY_ADMIN_API_KEY_FILE"] = adminKeyFile.path
}
let httpAddress = (environment["GATEWAY_HTTP_ADDRESS"] ?? "tcp://127.0.0.1:8080")
    .split(separator: ",").first.map(String.init) ?? "tcp://127.0.0.1:8080"
let httpURL = "http://" + httpAddress.replacingOccurrences(of: "tcp://", with: "")

let startOrder: [ServiceName] = [.config, .rag, .media, .agent, .gateway]
var processes: [SupervisedProcess] = []
for service in startOrder {
    let executable = binDirectory.appendingPathComponent(service.executableName)
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        logger.critical("\(executable.path) not found; build first (swift build -c release)")
        exit(1)
    }
    let process = SupervisedProcess(service: service, executable: executable, environment: environment, logger: logger)
    do {
        try process.start()
    } catch {
        logger.critical("cannot start \(service.executableName): \(error)")
        for started in processes.reversed() { started.terminate() }
        exit(1)
    }
    processes.append(process)
}

/// Polls every service's health until all serve or the startup timeout passes.
@MainActor func waitUntilServing() async -> [ServiceName: String] {
    var pending = Set(startOrder)
    var failures: [ServiceName: String] = [:]
    let deadline = ContinuousClock.now + startupTimeout
    let clients = addresses.mapValues { RPCClient(endpoints: [$0], configuration: RPCClientConfiguration(
        connectTimeout: .seconds(1), initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100),
        callerName: "launcher")) }
    while !pending.isEmpty && ContinuousClock.now < deadline {
        for service in pending {
            guard let client = clients[service] else { continue }
            do {
                let report = try await client.call(StandardMethods.health, HealthCheckRequest(), timeout: .seconds(1))
                if report.status == .serving {
                    pending.remove(service)
                    failures[service] = nil
                } else {
                    failures[service] = "reports \(report.status.rawValue)"
                }
            } catch {
                failures[service] = error.message
            }
        }
        if !pending.isEmpty { try? await Task.sleep(for: .milliseconds(100)) }
    }
    for client in clients.values { client.close() }
    return failures.filter { pending.contains($0.key) }
}

let failures = await waitUntilServing()
if failures.isEmpty {
    let cli = binDirectory.appendingPathComponent("wire-cli").path
    FileHandle.standardOutput.write(Data("""

    All five services are serving (run directory: \(runDirectory.path)).
      gateway HTTP: \(httpURL)   admin panel: \(httpURL)/ (sign in with the admin API key)
      gateway (Wire): \(addresses[.gateway]?.description ?? "")
      config: \(addresses[.config]?.description ?? "")   agent: \(addresses[.agent]?.description ?? "")
      rag: \(addresses[.rag]?.description ?? "")   media: \(addresses[.media]?.description ?? "")
    Check them:  \(cli) health-all --run-dir \(runDirectory.path)
                 curl \(httpURL)/api/health
    \(adminKey.map { "Admin API key (kept in \(adminKeyFile.path)):\n  curl -H 'X-API-Key: \($0)' \(httpURL)/api/admin/companies" } ?? "Admin API keys: as configured in the environment.")
    Stop with Ctrl-C.

    """.utf8))
} else {
    for (service, reason) in failures.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
        logger.error("\(service.executableName) is not serving after \(startupTimeout): \(reason)")
    }
}

for await signal in signals.signals {
    logger.info("\(SignalWatcher.name(signal)): stopping all services")
    break
}
for process in processes.reversed() {
    process.terminate()
    process.waitForExit(timeout: 15)
}
logger.info("all services stopped")
exit(0)
