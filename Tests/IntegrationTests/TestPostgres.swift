import Foundation
import Glibc

/// A private PostgreSQL cluster for tests that must stop and start the server (so they never disturb the
/// shared test server). Uses the binaries scripts/test.sh found (`TEST_PG_BIN`, `TEST_PG_RUN_AS`).
final class TestPostgres: @unchecked Sendable {
    let directory: String
    let port: Int
    private let bin: String
    private let runAs: [String]

    var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres" }

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let bin = environment["TEST_PG_BIN"] else {
            throw ExecutableLocator.LocatorError(message: "TEST_PG_BIN is not set: run the tests with scripts/test.sh")
        }
        self.bin = bin
        runAs = (environment["TEST_PG_RUN_AS"] ?? "").split(separator: " ").map(String.init)
        directory = NSTemporaryDirectory() + "pg-" + UUID().uuidString.prefix(8)
        port = GatewayFixture.randomPort()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        let initdb = try run(["\(bin)/initdb", "-D", "\(directory)/data", "-U", "postgres", "-A", "trust", "--no-sync"])
        guard initdb == 0 else { throw ExecutableLocator.LocatorError(message: "initdb failed (\(initdb))") }
        try start()
    }

    /// Runs a command through the shell and waits for it. (`Process` cannot be used here: it detects the
    /// child's exit through a descriptor the daemonized server inherits, and would wait forever.)
    private func run(_ command: [String]) throws -> Int32 {
        let quoted = (runAs + command).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let status = system(quoted.joined(separator: " ") + " </dev/null >/dev/null 2>&1")
        return status == -1 ? -1 : (status >> 8) & 0xFF
    }

    func start() throws {
        let status = try run(["\(bin)/pg_ctl", "-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "-t", "30",
                              "-o", "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        guard status == 0 else { throw ExecutableLocator.LocatorError(message: "pg_ctl start failed (\(status))") }
    }

    func stop() throws {
        _ = try run(["\(bin)/pg_ctl", "-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    deinit {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
