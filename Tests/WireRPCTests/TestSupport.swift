import Foundation
import NetworkCore
import ServiceLogging
import Synchronization
import Wire
import WireRPC

/// Methods used only by the transport tests.
enum TestAPI {
    static let echo = Method<EchoMessage, EchoMessage>(service: "test", name: "echo")
    static let sleep = Method<SleepRequest, EchoMessage>(service: "test", name: "sleep")
    static let fail = Method<EchoMessage, EchoMessage>(service: "test", name: "fail")
    static let missing = Method<EchoMessage, EchoMessage>(service: "test", name: "missing")
    /// Answers `tag` repeated `milliseconds` times (a small request with a large answer).
    static let inflate = Method<SleepRequest, EchoMessage>(service: "test", name: "inflate")
}

struct SleepRequest: Codable, Sendable {
    var milliseconds: Int
    var tag: String
}

/// Records what handlers observed, for assertions across tasks.
final class Observations: Sendable {
    private let state = Mutex<[String: String]>([:])
    func record(_ key: String, _ value: String) { state.withLock { $0[key] = value } }
    func value(_ key: String) -> String? { state.withLock { $0[key] } }

    /// Polls until `key` is recorded or `timeout` passes.
    func wait(for key: String, timeout: Duration = .seconds(5)) async -> String? {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let value = value(key) { return value }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return value(key)
    }
}

let quietLogger = Logger(component: "test", sink: LogSink(descriptor: 2, minimumLevel: .error))

/// A service credential for TCP tests.
let testCredential = ServiceCredential(secret: "wire-test-credential-0123456789abcdef")

/// A temporary directory for sockets and certificates, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "wire-test-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func socket(_ name: String = "s") -> SocketAddress { .unix(path: "\(path)/\(name).sock") }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func makeRouter(observations: Observations = Observations()) -> RPCRouter {
    var router = RPCRouter()
    router.register(TestAPI.echo, execution: .eventLoop) { request, context in
        if let tenant = context.metadata.tenant { observations.record("tenant", tenant) }
        return request
    }
    router.register(TestAPI.sleep, execution: .cooperative) { request, _ in
        observations.record("started-\(request.tag)", "yes")
        do {
            try await Task.sleep(for: .milliseconds(request.milliseconds))
        } catch {
            observations.record("cancelled-\(request.tag)", "yes")
            throw error
        }
        observations.record("completed-\(request.tag)", "yes")
        return EchoMessage(text: request.tag)
    }
    router.register(TestAPI.inflate, execution: .eventLoop) { request, _ in
        EchoMessage(text: String(repeating: request.tag, count: request.milliseconds))
    }
    router.register(TestAPI.fail, execution: .cooperative) { request, _ in
        if request.text == "rpc" { throw RPCError(.failedPrecondition, "precondition \(request.text)") }
        struct Secret: Error {}
        throw Secret()
    }
    router.registerStandardMethods(health: HealthReporter(service: "test", version: "0"))
    return router
}

func startServer(
    _ addresses: [SocketAddress], router: RPCRouter = makeRouter(), tls: TLSContext? = nil,
    configure: (inout RPCServerConfiguration) -> Void = { _ in }
) async throws -> RPCServer {
    var configuration = RPCServerConfiguration(addresses: addresses, tls: tls)
    configure(&configuration)
    let server = RPCServer(configuration: configuration, router: router, logger: quietLogger)
    try await server.start()
    return server
}

/// Opens a raw (non-Wire) connection for sending arbitrary bytes.
func rawConnect(_ address: SocketAddress) -> Int32 {
    guard case .unix(let path) = address else { return -1 }
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in raw.copyBytes(from: Array(path.utf8).prefix(raw.count - 1)) }
    let result = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    if result != 0 {
        close(fd)
        return -1
    }
    return fd
}

/// Runs blocking `body` (raw socket reads, waits) on a thread of its own, so it never holds one of the
/// few threads of Swift's cooperative pool that the other tests need.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
