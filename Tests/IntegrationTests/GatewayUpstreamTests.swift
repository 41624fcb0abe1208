import Foundation
import NetworkCore
import ServiceLogging
import Synchronization
import Testing
import Wire
import WireRPC

extension IntegrationSuite {
    /// Fan-out failures: a service that is down is a 503 naming it; a service that is too slow is a 504.
    @Suite(.serialized) struct GatewayUpstreamTests {
        @Test func serviceDown_Gives503_AndHealthReportsIt() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_CACHE_TTL": "100ms"])
            // Agent, RAG and media are not running: health is degraded but answers 200.
            let degraded = try #require(fixture.request("GET", "/api/health"))
            #expect(degraded.status == 200 && degraded.json?["status"] as? String == "degraded")
            let services = degraded.json?["services"] as? [String: [String: Any]]
            #expect(services?["config"]?["status"] as? String == "healthy")
            #expect(services?["rag"]?["status"] as? String == "unhealthy")
            // Anonymous probes see no company; the admin sees all five.
            #expect(degraded.json?["companies"] == nil)
            let detailed = fixture.request("GET", "/api/health", headers: ["X-API-Key": fixture.adminKey])
            #expect((detailed?.json?["companies"] as? [String: Any])?["total"] as? Int == 5)

            fixture.stopConfigService()
            let down = try #require(fixture.request("GET", "/api/admin/companies", headers: ["X-API-Key": fixture.adminKey]))
            #expect(down.status == 503 && down.errorCode == "service_unavailable")
            #expect(((down.json?["error"] as? [String: Any])?["details"] as? [String: Any])?["service"] as? String == "config")
            #expect(down.json?["message"] as? String == "The config service is unavailable.")
            let unhealthy = try #require(fixture.request("GET", "/api/health"))
            #expect(unhealthy.status == 503 && unhealthy.json?["status"] as? String == "unhealthy")
            #expect(fixture.request("GET", "/readyz")?.status == 503)
            #expect(fixture.request("GET", "/livez")?.status == 200)
        }

        @Test func slowService_Gives504() async throws {
            // A config service that answers listCompanies only after 3 s (the gateway waits 2 s).
            let directory = NSTemporaryDirectory() + "slow-config-" + UUID().uuidString.prefix(8)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let socket = "\(directory)/config.sock"
            final class CallCounter: Sendable { let count = Atomic<Int>(0) }
            let slowCalls = CallCounter()
            var router = RPCRouter()
            router.register(ConfigAPI.listCompanies, execution: .cooperative) { _, _ in
                if slowCalls.count.add(1, ordering: .relaxed).oldValue > 0 { try await Task.sleep(for: .seconds(3)) }
                let id = CompanyID("benova")!
                return ListCompaniesResponse(version: 1, companies: [
                    Company(id: id, companyName: "Benova", redisPrefix: "benova:", vectorstoreIndex: "benova_documents",
                            salesAgentName: "María", services: "estética"),
                ])
            }
            let server = RPCServer(configuration: RPCServerConfiguration(addresses: [.unix(path: socket)]), router: router,
                                       logger: Logger(component: "slow", sink: LogSink(descriptor: 2, minimumLevel: .critical)))
            try await server.start()
            let fixture = GatewayFixture()
            defer {
                fixture.stop()
                try? FileManager.default.removeItem(atPath: directory)
            }
            try await fixture.start(configAddress: "unix:\(socket)", startConfig: false, readinessPath: "/livez")
            let start = ContinuousClock.now
            let slow = try #require(fixture.request("GET", "/api/admin/companies", headers: ["X-API-Key": fixture.adminKey]))
            #expect(slow.status == 504 && slow.errorCode == "upstream_timeout")
            #expect(ContinuousClock.now - start < .seconds(3))

            // Graceful shutdown: a request in flight when SIGTERM arrives still gets its answer, the process
            // then exits, and nothing new is accepted.
            let inFlight = try #require(RawHTTPConnection(port: fixture.httpPort))
            inFlight.send("GET /api/admin/companies HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.adminKey)\r\n\r\n")
            // Wait until that request is being served (its listCompanies call reached the slow service).
            #expect(await waitUntil { slowCalls.count.load(ordering: .relaxed) >= 3 })
            let gateway = try #require(fixture.gateway)
            kill(gateway.processIdentifier, SIGTERM)
            let answer = inFlight.readResponse()
            #expect(answer?.status == 504 && answer?.header("Connection") == "close")
            #expect(await waitUntil(timeout: .seconds(10)) { !gateway.isRunning })
            #expect(!gateway.isRunning && gateway.terminationStatus == 0)
            #expect(RawHTTPConnection(port: fixture.httpPort) == nil)
            await server.shutdownGracefully()
        }
    }
}
