import Foundation
import NetworkCore
import ServiceLogging
import Synchronization
import Wire
import WireRPC

/// A config service in the test process, on a Unix socket, whose answers and delays the test controls:
/// for counting what the gateway asks and for being slow on purpose.
///
/// It knows no company (an empty list) and checks no tenant metadata, so that the same tests can run
/// against the gateway before the hardening (docs/ROBUSTNESS.md): only messages both versions read alike.
final class FakeConfigService: Sendable {
    let socket: String
    let listCalls = Atomic<Int>(0)
    let verifyCalls = Atomic<Int>(0)
    let getCalls = Atomic<Int>(0)
    /// Delay of every listCompanies call after the first, in milliseconds.
    let listDelay = Atomic<Int>(0)
    /// Delay of getCompany calls, in milliseconds.
    let getDelay = Atomic<Int>(0)
    /// Set when a getCompany handler was cancelled before finishing.
    let getCancelled = Atomic<Bool>(false)
    /// Whether verifyAPIKey answers at all (false: `unavailable`, as if the service were down).
    let verifyAvailable = Atomic<Bool>(true)
    /// The one tenant key that verifies (for benova).
    let validKey: String
    private let server: RPCServer
    private let directory: String

    /// `config/getCompany` as a fake may serve it: any tenant metadata accepted.
    struct AnyGetCompanyRequest: Codable, Sendable { var companyID: String }
    static let looseGetCompany = Method<AnyGetCompanyRequest, Company>(service: ConfigAPI.service, name: ConfigAPI.getCompany.name)

    init(validKey: String) async throws {
        directory = NSTemporaryDirectory() + "fake-config-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socket = "\(directory)/config.sock"
        self.validKey = validKey
        var router = RPCRouter()
        let box = Box()
        router.register(ConfigAPI.listCompanies, execution: .cooperative) { _, _ in
            guard let self = box.service else { throw RPCError(.unavailable, "starting") }
            if self.listCalls.add(1, ordering: .relaxed).oldValue > 0 {
                try await Task.sleep(for: .milliseconds(self.listDelay.load(ordering: .relaxed)))
            }
            return ListCompaniesResponse(version: 1, companies: [])
        }
        router.register(Self.looseGetCompany, execution: .cooperative) { request, _ in
            guard let self = box.service else { throw RPCError(.unavailable, "starting") }
            self.getCalls.add(1, ordering: .relaxed)
            do {
                try await Task.sleep(for: .milliseconds(self.getDelay.load(ordering: .relaxed)))
            } catch {
                self.getCancelled.store(true, ordering: .relaxed)
                throw error
            }
            throw RPCError(.notFound, "unknown company '\(request.companyID)'")
        }
        router.register(ConfigAPI.verifyAPIKey, execution: .cooperative) { request, _ in
            guard let self = box.service else { throw RPCError(.unavailable, "starting") }
            self.verifyCalls.add(1, ordering: .relaxed)
            guard self.verifyAvailable.load(ordering: .relaxed) else { throw RPCError(.unavailable, "down") }
            guard request.apiKey == self.validKey else { throw RPCError(.unauthenticated, "invalid API key") }
            return VerifyAPIKeyResponse(companyID: CompanyID("benova")!, keyID: "k1", name: "test")
        }
        router.registerStandardMethods(health: HealthReporter(service: "config", version: "fake"))
        server = RPCServer(configuration: RPCServerConfiguration(addresses: [.unix(path: socket)]), router: router,
                           logger: Logger(component: "fake-config", sink: LogSink(descriptor: 2, minimumLevel: .critical)))
        box.service = self
        try await server.start()
    }

    func stop() async {
        await server.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Lets the handlers reach the service once it is initialized.
    private final class Box: @unchecked Sendable {
        // Written once in init before the server starts, then only read.
        var service: FakeConfigService?
    }

    /// A key in the tenant-key format that no one has.
    static func randomKey() -> String {
        let hex = (0..<12).map { _ in String("0123456789abcdef".randomElement() ?? "0") }.joined()
        return "cbk_\(hex)_" + (0..<32).map { _ in String("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".randomElement() ?? "a") }.joined()
    }
}
