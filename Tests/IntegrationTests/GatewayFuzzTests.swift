import Foundation
import Synchronization
import Testing

extension IntegrationSuite {
    /// Feeds the real gateway tens of thousands of random and mutated requests while a well-behaved client
    /// keeps using it. The server must not crash, must answer or close every connection promptly, and must
    /// keep serving the well-behaved client.
    @Suite(.serialized) struct GatewayFuzzTests {
        struct Generator: RandomNumberGenerator {
            var state: UInt64
            mutating func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
        }

        static let seeds: [String] = [
            "GET /livez HTTP/1.1\r\nHost: t\r\n\r\n",
            "GET /api/company?company_id=benova HTTP/1.1\r\nHost: t\r\nX-API-Key: k\r\n\r\n",
            "POST /api/company HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"company_id\":\"benova\"}",
            "GET /api/company HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
            "HEAD /api/companies HTTP/1.0\r\n\r\n",
            "GET /api/health HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        ]

        static func mutate(_ seed: String, _ g: inout Generator) -> [UInt8] {
            var bytes = Array(seed.utf8)
            let interesting: [UInt8] = [0x00, 0x0A, 0x0D, 0x20, 0x3A, 0x09, 0x7F, 0xFF, 0x2C, 0x3B]
            for _ in 0..<Int.random(in: 1...6, using: &g) {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0..<bytes.count, using: &g)
                switch Int.random(in: 0..<6, using: &g) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &g)
                case 1: bytes[index] = interesting.randomElement(using: &g) ?? 0
                case 2: bytes.remove(at: index)
                case 3: bytes.insert(contentsOf: Array(repeating: bytes[index], count: Int.random(in: 1...300, using: &g)), at: index)
                case 4: bytes = Array(bytes.prefix(index))
                default: bytes.insert(contentsOf: Array("\r\nContent-Length: 99999999\r\n".utf8), at: index)
                }
            }
            if Int.random(in: 0..<20, using: &g) == 0 {
                bytes = (0..<Int.random(in: 1...2_000, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
            }
            return bytes
        }

        @Test func thousandsOfMutatedRequests_NeverCrashOrHang() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_HEADER_TIMEOUT": "2s", "GATEWAY_BODY_TIMEOUT": "2s",
                                                  "GATEWAY_KEEPALIVE_TIMEOUT": "2s", "RATE_LIMIT_BASIC": "100000"])
            let total = 20_000
            let workers = 16
            let port = fixture.httpPort
            let adminKey = fixture.adminKey
            final class Shared: Sendable {
                let slowest = Mutex<Duration>(.zero)
                let failures = Mutex<[String]>([])
                let stop = Atomic<Bool>(false)
            }
            let shared = Shared()

            // The well-behaved client runs for the whole fuzz, on its own thread.
            let clientResult = Mutex<(ok: Int, bad: Int)>((0, 0))
            let wellBehaved = Task {
                await runOnThreads(1) { _ in
                    var ok = 0
                    var bad = 0
                    while !shared.stop.load(ordering: .relaxed) {
                        guard let connection = RawHTTPConnection(port: port) else { bad += 1; continue }
                        for _ in 0..<20 {
                            connection.send("GET /api/companies HTTP/1.1\r\nHost: t\r\nX-API-Key: \(adminKey)\r\n\r\n")
                            if connection.readResponse()?.status == 200 { ok += 1 } else { bad += 1; break }
                        }
                    }
                    clientResult.withLock { $0 = (ok, bad) }
                }
            }

            await runOnThreads(workers) { worker in
                var g = Generator(state: 0xF00D + UInt64(worker))
                for index in 0..<(total / workers) {
                    let seed = Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &g)]
                    let bytes = Self.mutate(seed, &g)
                    guard let connection = RawHTTPConnection(port: port, receiveTimeout: 6) else {
                        shared.failures.withLock { $0.append("worker \(worker) case \(index): cannot connect") }
                        continue
                    }
                    let start = ContinuousClock.now
                    connection.send(bytes)
                    connection.shutdownWrite()
                    // The server must answer and/or close within its timeouts (2 s) plus slack.
                    let closed = connection.waitForClose()
                    let elapsed = ContinuousClock.now - start
                    shared.slowest.withLock { $0 = max($0, elapsed) }
                    if !closed { shared.failures.withLock { $0.append("case \(worker)/\(index) left open: \(bytes.prefix(80))") } }
                }
            }
            shared.stop.store(true, ordering: .relaxed)
            await wellBehaved.value
            let client = clientResult.withLock { $0 }
            let recorded = shared.failures.withLock { $0 }
            #expect(recorded.isEmpty, "\(recorded.prefix(5))")
            let slowest = shared.slowest.withLock { $0 }
            #expect(slowest < .seconds(5))
            #expect(client.ok > 100)
            #expect(client.bad == 0)
            #expect(fixture.gateway?.isRunning == true)
            #expect(fixture.request("GET", "/livez")?.status == 200)
        }
    }
}
