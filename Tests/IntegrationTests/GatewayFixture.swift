import CryptoPrimitives
import Foundation
import Glibc
import Wire

/// Runs the real `config-service` (with a test companies file) and the real `gateway`, on a random port.
///
/// Companies: benova, dental, medispa, wellness (active) and `closed` (inactive). Tenant API keys exist
/// for benova and dental; the admin key and JWT secret are fixed test values.
final class GatewayFixture: @unchecked Sendable {
    let directory: String
    let httpPort: Int
    let httpsPort: Int?
    let adminKey = "adm_integration_test_0123456789abcdef"
    let jwtSecret = "jwt-integration-test-secret-0123456789abcdef"
    let benovaKey: String
    let dentalKey: String
    private(set) var configService: Process?
    private(set) var services: [Process] = []
    private(set) var gateway: Process?
    /// Settings for the agent service only (on top of the test's settings).
    var agentEnvironment: [String: String] = [:]
    /// Extra members of a company's object in the companies file (JSON text ending in a comma), by company id.
    var companyExtras: [String: String] = [:]
    /// The agent service's process arguments and environment, to start it again after a test kills it.
    private var agentLaunch: (URL, [String], [String: String])?
    private var gatewayLaunch: (URL, [String], [String: String])?

    var configSocket: String { "\(directory)/config.sock" }

    /// A port that was free a moment ago (the kernel picks it; the socket is closed before use).
    static func randomPort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                Glibc.bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : 20_000 + Int.random(in: 0..<30_000)
    }

    init(tls: Bool = false) {
        directory = NSTemporaryDirectory() + "gateway-it-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        httpPort = Self.randomPort()
        httpsPort = tls ? Self.randomPort() : nil
        benovaKey = "cbk_" + Digest.hex(Digest.randomBytes(6)) + "_" + Base64URL.encode(Digest.randomBytes(24))
        dentalKey = "cbk_" + Digest.hex(Digest.randomBytes(6)) + "_" + Base64URL.encode(Digest.randomBytes(24))
    }

    private func keyRecord(_ key: String, name: String) -> String {
        let id = key.split(separator: "_")[1]
        return #"{"id":"\#(id)","name":"\#(name)","sha256":"\#(Digest.hex(Digest.sha256(Array(key.utf8))))"}"#
    }

    func writeCompaniesFile() throws -> String {
        func company(_ id: String, tier: String = "basic", account: Int, active: Bool = true, keys: [String] = [], extra: String = "") -> String {
            #""\#(id)": {\#(extra)\#(companyExtras[id] ?? "")"company_name": "Clínica \#(id)", "redis_prefix": "\#(id):", "vectorstore_index": "\#(id)_documents", "#
                + #""sales_agent_name": "Asesora \#(id)", "services": "servicios de \#(id)", "chatwoot_account_id": "\#(account)", "#
                + #""subscription_tier": "\#(tier)", "is_active": \#(active), "api_keys": [\#(keys.joined(separator: ","))]}"#
        }
        let text = "{" + [
            company("benova", tier: "professional", account: 7, keys: [keyRecord(benovaKey, name: "panel")],
                    extra: #""timezone": "America/Bogota", "treatment_durations": {"botox": 30, "limpieza_facial": 60}, "#),
            company("dental", account: 9, keys: [keyRecord(dentalKey, name: "crm")]),
            company("medispa", tier: "enterprise", account: 8),
            company("wellness", account: 10),
            company("closed", account: 11, active: false),
        ].joined(separator: ",\n") + "}"
        let path = "\(directory)/companies.json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts the config service (unless `configAddress` points elsewhere) and the gateway.
    /// - Parameter fileLimit: run the gateway with at most this many open descriptors (`prlimit`).
    func start(environment extra: [String: String] = [:], configAddress: String? = nil, startConfig: Bool = true,
               startAgent: Bool = false, startAllServices: Bool = false, readinessPath: String = "/readyz",
               fileLimit: Int? = nil) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "warning"
        environment["WIRE_RUN_DIR"] = directory
        environment["DATA_DIR"] = directory + "/data"
        if startConfig && configAddress == nil {
            let companies = try writeCompaniesFile()
            let config = Process()
            config.executableURL = try ExecutableLocator.url("config-service")
            config.arguments = ["--listen", "unix:\(configSocket)", "--companies-file", companies]
            var configEnvironment = environment
            if let database = extra["DATABASE_URL"] { configEnvironment["DATABASE_URL"] = database }
            config.environment = configEnvironment
            config.standardError = FileHandle.nullDevice
            try config.run()
            configService = config
        }
        environment["CONFIG_SERVICE_ADDRESS"] = configAddress ?? "unix:\(configSocket)"
        for service in ["AGENT", "RAG", "MEDIA"] { environment["\(service)_SERVICE_ADDRESS"] = "unix:\(directory)/\(service.lowercased()).sock" }
        let downstream = startAllServices ? ["agent", "rag", "media"] : (startAgent ? ["agent"] : [])
        for name in downstream {
            let service = Process()
            service.executableURL = try ExecutableLocator.url("\(name)-service")
            service.arguments = ["--listen", "unix:\(directory)/\(name).sock"]
            // The test's settings reach the services too (each reads only its own).
            service.environment = environment.merging(extra) { $1 }.merging(name == "agent" ? agentEnvironment : [:]) { $1 }
            service.standardError = FileHandle.nullDevice
            try service.run()
            services.append(service)
            if name == "agent", let url = service.executableURL {
                agentLaunch = (url, service.arguments ?? [], service.environment ?? [:])
            }
        }
        environment["GATEWAY_WIRE_ADDRESS"] = "unix:\(directory)/gateway.sock"
        environment["GATEWAY_HTTP_ADDRESS"] = "tcp://127.0.0.1:\(httpPort)"
        if let httpsPort { environment["GATEWAY_HTTPS_ADDRESS"] = "tcp://127.0.0.1:\(httpsPort)" }
        environment["GATEWAY_ADMIN_API_KEYS"] = adminKey
        environment["JWT_SECRET"] = jwtSecret
        environment["GATEWAY_ACCESS_LOG_OFF"] = "1"
        for (key, value) in extra { environment[key] = value }
        let gateway = Process()
        if let fileLimit {
            gateway.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            gateway.arguments = ["--nofile=\(fileLimit):\(fileLimit)", "--", try ExecutableLocator.url("gateway").path]
        } else {
            gateway.executableURL = try ExecutableLocator.url("gateway")
        }
        gateway.environment = environment
        _ = FileManager.default.createFile(atPath: "\(directory)/gateway.log", contents: nil)
        gateway.standardError = FileHandle(forWritingAtPath: "\(directory)/gateway.log") ?? FileHandle.nullDevice
        try gateway.run()
        self.gateway = gateway
        if let url = gateway.executableURL { gatewayLaunch = (url, gateway.arguments ?? [], environment) }
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline && gateway.isRunning {
            if let connection = RawHTTPConnection(port: httpPort, receiveTimeout: 1) {
                // `Connection: close`, and waiting for the close, so that the probe no longer counts against
                // the gateway's connection limit when a test starts.
                connection.send("GET \(readinessPath) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                if connection.readResponse()?.status == 200 {
                    _ = connection.waitForClose()
                    // The services started here are ready once their sockets exist (they bind before serving).
                    let sockets = downstream.map { "\(directory)/\($0).sock" }
                    while ContinuousClock.now < deadline && !sockets.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    return
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOfFile: "\(directory)/gateway.log", encoding: .utf8)) ?? ""
        let reason = gateway.isRunning ? "did not become ready on port \(httpPort)" : "exited (status \(gateway.terminationStatus))"
        throw ExecutableLocator.LocatorError(message: "the gateway \(reason): \(log.suffix(800))")
    }

    /// Sends one request on a new connection and reads its response.
    /// Deletes a company with `purge=true`, waiting (up to 4 s) until every service has its copy of the
    /// configuration and agrees; the last answer.
    func purge(_ company: String) async -> RawHTTPResponse? {
        var purged: RawHTTPResponse?
        for _ in 0..<40 where purged?.status != 200 {
            purged = request("DELETE", "/api/admin/companies/\(company)?purge=true", headers: ["X-API-Key": adminKey])
            if purged?.status != 200 { try? await Task.sleep(for: .milliseconds(100)) }
        }
        return purged
    }

    func request(_ method: String, _ target: String, headers: [String: String] = [:], body: String? = nil) -> RawHTTPResponse? {
        guard let connection = RawHTTPConnection(port: httpPort) else { return nil }
        var text = "\(method) \(target) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + (body ?? "")
        connection.send(text)
        return connection.readResponse(headOnly: method == "HEAD")
    }

    /// A request with the admin key on behalf of `company` (`X-Company-ID`), `body` sent as JSON when given.
    func request(as company: String, _ method: String, _ target: String, body: Any? = nil) -> RawHTTPResponse? {
        var headers = ["X-API-Key": adminKey, "X-Company-ID": company]
        if body != nil { headers["Content-Type"] = "application/json" }
        return request(method, target, headers: headers, body: body.map(ChatwootPayloads.json))
    }

    /// A request with a binary body (a multipart upload), read with a longer time limit (media takes seconds).
    func request(_ method: String, _ target: String, headers: [String: String] = [:], bytes: [UInt8], receiveTimeout: Double = 60) -> RawHTTPResponse? {
        guard let connection = RawHTTPConnection(port: httpPort, receiveTimeout: receiveTimeout) else { return nil }
        var text = "\(method) \(target) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(bytes.count)\r\n\r\n"
        guard connection.send(Array(text.utf8) + bytes) else { return nil }
        return connection.readResponse()
    }

    /// The gateway's resident memory, in KiB.
    var gatewayResidentKiB: Int? { gateway.flatMap { ProcessInspector(pid: $0.processIdentifier).residentKiB } }

    /// The running agent service, if this fixture started one.
    var agentService: Process? { services.first { $0.executableURL?.lastPathComponent == "agent-service" && $0.isRunning } }

    /// SIGKILLs the agent service (no clean shutdown: what a crash leaves behind).
    func killAgentService() {
        guard let agent = agentService else { return }
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
    }

    /// Starts the agent service again as it was first started; returns once its socket accepts calls.
    func restartAgentService() async throws {
        guard let (url, arguments, environment) = agentLaunch else { return }
        let socket = "\(directory)/agent.sock"
        try? FileManager.default.removeItem(atPath: socket)
        services.append(try Self.launch(url, arguments, environment))
        _ = await waitUntil(timeout: .seconds(15)) { FileManager.default.fileExists(atPath: socket) }
    }

    static func launch(_ url: URL, _ arguments: [String], _ environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// SIGKILLs the gateway.
    func killGateway() {
        guard let gateway, gateway.isRunning else { return }
        kill(gateway.processIdentifier, SIGKILL)
        gateway.waitUntilExit()
    }

    /// Starts the gateway again as it was first started; true once it answers `/readyz`.
    func restartGateway() async throws -> Bool {
        guard let (url, arguments, environment) = gatewayLaunch else { return false }
        gateway = try Self.launch(url, arguments, environment)
        return await waitUntil(timeout: .seconds(15)) { self.request("GET", "/readyz", headers: ["Connection": "close"])?.status == 200 }
    }

    func stopConfigService() {
        guard let process = configService, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    func stop() {
        for process in ([gateway] + services.map { $0 } + [configService]).compactMap({ $0 }) where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
