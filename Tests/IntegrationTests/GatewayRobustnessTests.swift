import Foundation
import Synchronization
import Testing

extension IntegrationSuite {
    /// The front door under attack, over raw sockets against the real gateway: one test per finding of the
    /// hardening review (each one fails against the gateway before the hardening; see docs/ROBUSTNESS.md).
    @Suite(.serialized) struct GatewayRobustnessTests {
        @Test func emptyLines_CountAgainstTheHeadLimit_AndAreConsumed() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_HEADER_TIMEOUT": "3s"])
            let before = try #require(fixture.gatewayResidentKiB)
            let port = fixture.httpPort
            // An unauthenticated client streams CRLF pairs: a 431 comes once they pass the head limit, fast.
            let outcome = await onThread { () -> (status: Int?, seconds: Double) in
                guard let connection = RawHTTPConnection(port: port) else { return (nil, 0) }
                let start = Date()
                let chunk = [UInt8](String(repeating: "\r\n", count: 4_096).utf8)
                for _ in 0..<64 where connection.send(chunk) {}
                return (connection.readResponse()?.status, Date().timeIntervalSince(start))
            }
            #expect(outcome.status == 431)
            #expect(outcome.seconds < 2.5)
            // A few empty lines before a request are still fine.
            let polite = await onThread { () -> Int? in
                guard let connection = RawHTTPConnection(port: port) else { return nil }
                connection.send("\r\n\r\nGET /livez HTTP/1.1\r\nHost: t\r\n\r\n")
                return connection.readResponse()?.status
            }
            #expect(polite == 200)
            let after = try #require(fixture.gatewayResidentKiB)
            #expect(after - before < 20_000, "RSS grew from \(before) KiB to \(after) KiB")
        }

        @Test func absurdNumbers_AreRefusedWhereTheyEnter_AndNothingTraps() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_CACHE_TTL": "100ms"])
            let admin = ["X-API-Key": fixture.adminKey, "Content-Type": "application/json"]
            for body in [#"{"rate_limit_per_second": 1e19}"#, #"{"rate_limit_per_second": -1}"#, #"{"max_documents": 9999999999}"#,
                         #"{"memory": {"window_messages": 1000000, "ttl_seconds": 10}}"#] {
                let refused = fixture.request("PATCH", "/api/admin/companies/benova", headers: admin, body: body)
                #expect(refused?.status == 422 && refused?.errorCode == "validation_failed", "\(body)")
            }
            // The same value written straight into the companies file is refused on reload: the last good
            // configuration stays.
            let path = "\(fixture.directory)/companies.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: #""subscription_tier": "professional""#,
                                          with: #""subscription_tier": "professional", "rate_limit_per_second": 1e19"#)
                .write(toFile: path, atomically: true, encoding: .utf8)
            let reload = fixture.request("POST", "/api/admin/companies/reload-config", headers: admin)
            #expect(reload?.status == 422 && reload?.text.contains("rate_limit_per_second") == true)
            // benova keeps being served, and the gateway is alive.
            for _ in 0..<5 { #expect(fixture.request("GET", "/api/company", headers: ["X-API-Key": fixture.benovaKey])?.status == 200) }
            #expect(fixture.gateway?.isRunning == true)
            // Out-of-range settings of the gateway itself stop it at start with a clear message.
            let broken = GatewayFixture()
            defer { broken.stop() }
            await #expect(throws: (any Error).self) { try await broken.start(environment: ["RATE_LIMIT_BASIC": "1e19"]) }
            #expect(broken.gateway?.isRunning == false)
        }

        @Test func aRefusalThatClosesTheConnection_IsReadable_EvenWhileTheClientStillSends() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            let port = fixture.httpPort
            for round in 0..<5 {
                let outcome = await onThread { () -> (status: Int?, reset: Bool) in
                    guard let connection = RawHTTPConnection(port: port) else { return (nil, false) }
                    // A head over the 16 KiB limit, followed by much more that the server will never read.
                    connection.send("GET /livez HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 20_000))")
                    _ = connection.send([UInt8](repeating: 0x61, count: 2 << 20))
                    let response = connection.readResponse()
                    // Closing with unread input makes the kernel send a reset, which can destroy an answer
                    // still in flight: the gateway half-closes and drains instead, so the end is a clean FIN.
                    let closed = connection.waitForClose()
                    return (closed ? response?.status : nil, connection.wasReset)
                }
                #expect(outcome.status == 431, "round \(round): no answer or no orderly close")
                #expect(!outcome.reset, "round \(round): the connection ended with a reset")
            }
        }

        @Test func bytesThatCanNeverBeARequest_AreRefusedAtOnce() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_HEADER_TIMEOUT": "5s"])
            let port = fixture.httpPort
            let samples: [[UInt8]] = [
                [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03],  // a TLS ClientHello on the plain port
                [0x00, 0xFF, 0x13, 0x37],
                Array("GET /livez HT".utf8) + [0x00],
                Array("GE\tT / HTTP/1.1\r\n".utf8),
                Array("GET /livez HTTP/1.1\r\nHo st: t\r\n".utf8),
                Array("GET /livez HTTP/1.1\r\nHost: \u{7F}".utf8),
            ]
            for sample in samples {
                let outcome = await onThread { () -> (status: Int?, seconds: Double) in
                    guard let connection = RawHTTPConnection(port: port) else { return (nil, 0) }
                    let start = Date()
                    connection.send(sample)
                    return (connection.readResponse()?.status, Date().timeIntervalSince(start))
                }
                #expect(outcome.status == 400, "\(sample.prefix(12))")
                #expect(outcome.seconds < 2, "\(sample.prefix(12)) waited for the header timeout")
            }
        }

        @Test func tlsHandshakes_HaveADeadline_AndCountAgainstTheConnectionLimit() async throws {
            let fixture = GatewayFixture(tls: true)
            defer { fixture.stop() }
            try makeTestCertificate(in: fixture.directory)
            try await fixture.start(environment: [
                "GATEWAY_TLS_CERT": "\(fixture.directory)/server.pem", "GATEWAY_TLS_KEY": "\(fixture.directory)/server.key",
                "GATEWAY_TLS_HANDSHAKE_TIMEOUT": "4s", "GATEWAY_MAX_CONNECTIONS": "8",
            ])
            let tlsPort = try #require(fixture.httpsPort)
            let inspector = try #require(fixture.gateway.map { ProcessInspector(pid: $0.processIdentifier) })
            // Eight clients open the TLS port and never start the handshake.
            let idle = (0..<8).compactMap { _ in RawHTTPConnection(port: tlsPort, receiveTimeout: 10) }
            #expect(idle.count == 8)
            // The kernel completes connections before the gateway accepts them: probe only once it holds all eight.
            #expect(await waitUntil { inspector.acceptedConnections(onPort: tlsPort) == 8 })
            var seen: [String] = []
            let counted = await waitUntil(timeout: .seconds(3)) {
                let answer = fixture.request("GET", "/livez")
                seen.append(answer.map { "\($0.status) \($0.errorCode ?? "-")" } ?? "no answer")
                return answer?.errorCode == "too_many_connections"
            }
            let start = ContinuousClock.now
            #expect(idle.allSatisfy { $0.isOpen }, "the gateway closed a handshake in progress before its deadline")
            #expect(counted, "handshakes in progress must count against GATEWAY_MAX_CONNECTIONS; answers: \(Set(seen))")
            // Their handshakes time out and the slots come back.
            let closed = await onThread { idle.allSatisfy { $0.waitForClose() } }
            #expect(closed && ContinuousClock.now - start < .seconds(10))
            #expect(await waitUntil { fixture.request("GET", "/livez")?.status == 200 })
        }

        @Test func runningOutOfDescriptors_PausesAccepting_InsteadOfSpinning() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(fileLimit: 64)
            let inspector = try #require(fixture.gateway.map { ProcessInspector(pid: $0.processIdentifier) })
            // Fill the gateway's descriptor table (the kernel still completes the connections in its backlog).
            var held: [RawHTTPConnection] = []
            for _ in 0..<200 {
                guard let connection = RawHTTPConnection(port: fixture.httpPort, receiveTimeout: 1) else { break }
                held.append(connection)
            }
            #expect(await waitUntil { inspector.descriptors.count >= 60 })
            let share = try #require(await inspector.cpuShare(over: .seconds(2)))
            #expect(share < 0.3, "the gateway used \(Int(share * 100))% of a core while out of descriptors")
            held.removeAll()
            #expect(await waitUntil(timeout: .seconds(10)) { fixture.request("GET", "/livez")?.status == 200 })
        }

        @Test func aBody_MustArriveWithinItsTotalTime_NotJustWithoutLongPauses() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_BODY_TIMEOUT": "1s", "GATEWAY_BODY_TOTAL_TIMEOUT": "2s"])
            let port = fixture.httpPort
            let outcome = await onThread { () -> (status: Int?, seconds: Double) in
                guard let connection = RawHTTPConnection(port: port, receiveTimeout: 0.3) else { return (nil, 0) }
                let start = Date()
                connection.send("POST /api/company HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
                // One byte every 300 ms: never a pause of a second, but 300 s for the whole body.
                for _ in 0..<40 {
                    guard connection.send("x") else { break }
                    if let response = connection.readResponse() { return (response.status, Date().timeIntervalSince(start)) }
                }
                return (nil, Date().timeIntervalSince(start))
            }
            #expect(outcome.status == 408)
            #expect(outcome.seconds < 6)
        }

        @Test func noContentAnswers_CarryNoContentLength() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["CORS_ALLOWED_ORIGINS": "https://panel.example"])
            let preflight = fixture.request("OPTIONS", "/api/company", headers: [
                "Origin": "https://panel.example", "Access-Control-Request-Method": "GET",
            ])
            #expect(preflight?.status == 204)
            #expect(preflight?.header("Content-Length") == nil)
            #expect(preflight?.header("Access-Control-Allow-Origin") == "https://panel.example")
        }

        @Test func paths_AreSplitBeforeDecoding_AndDotSegmentsNeverReachAHandler() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            let admin = ["X-API-Key": fixture.adminKey]
            // An encoded slash does not make a new segment: no route has a segment "companies/benova".
            let encoded = fixture.request("GET", "/api/admin/companies%2Fbenova", headers: admin)
            #expect(encoded?.status == 404 && encoded?.errorCode == "not_found")
            for target in ["/api/admin/companies/%2e%2e", "/api/admin/companies/dental/../benova", "/api/admin/companies/./benova",
                           "/api/admin/companies/%2E%2E/benova", "/api/admin/companies/bad%zz", "/api/admin/companies/a%00b"] {
                let refused = fixture.request("GET", target, headers: admin)
                #expect(refused?.status == 400 && refused?.errorCode == "invalid_path", "\(target)")
            }
            #expect(fixture.request("GET", "/api/admin/companies/benova", headers: admin)?.status == 200)
        }

        @Test func aClientThatLeaves_CancelsTheWorkOnItsRequest() async throws {
            let fake = try await FakeConfigService(validKey: FakeConfigService.randomKey())
            fake.getDelay.store(8_000, ordering: .relaxed)
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(configAddress: "unix:\(fake.socket)", startConfig: false, readinessPath: "/livez")
            let connection = try #require(RawHTTPConnection(port: fixture.httpPort))
            connection.send("GET /api/admin/companies/benova HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.adminKey)\r\n\r\n")
            #expect(await waitUntil { fake.getCalls.load(ordering: .relaxed) == 1 })
            let leftAt = ContinuousClock.now
            close(connection.descriptor)
            // The gateway notices, cancels its call, and the config service's handler is cancelled with it.
            #expect(await waitUntil(timeout: .seconds(6)) { fake.getCancelled.load(ordering: .relaxed) })
            #expect(ContinuousClock.now - leftAt < .seconds(4))
            await fake.stop()
        }

        @Test func metricLabels_ComeFromAClosedSet() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            for index in 0..<40 { _ = fixture.request("M\(index)X", "/livez") }
            for index in 0..<40 { _ = fixture.request("GET", "/nothing/\(index)") }
            let metrics = try #require(fixture.request("GET", "/metrics", headers: ["X-API-Key": fixture.adminKey])?.text)
            // The gateway's HTTP series (the services' Wire series name their Wire methods).
            let methods = Set(metrics.split(separator: "\n").filter { $0.hasPrefix("gateway_http") }.compactMap { line -> Substring? in
                guard let range = line.range(of: "method=\"") else { return nil }
                return line[range.upperBound...].prefix { $0 != "\"" }
            })
            #expect(methods.isSubset(of: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"]), "\(methods)")
            #expect(!metrics.contains("/nothing/"))
            #expect(metrics.contains(#"status="4xx""#))
        }

        /// An authenticated route that names a company without needing the config service to know it: a
        /// status other than 401/429 means the credentials passed (the agent service is not running: 503).
        static let authenticatedProbe = "/api/companies/benova/agents"

        @Test func failedAuthentications_AreThrottledPerAddress_BeforeTheConfigServiceIsAsked() async throws {
            let fake = try await FakeConfigService(validKey: FakeConfigService.randomKey())
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(configAddress: "unix:\(fake.socket)", startConfig: false, readinessPath: "/livez")
            // A key verified before the flood stays usable from the flooding address.
            #expect(![401, 429].contains(fixture.request("GET", Self.authenticatedProbe, headers: ["X-API-Key": fake.validKey])?.status ?? 401))
            let baseline = fake.verifyCalls.load(ordering: .relaxed)
            var statuses: [Int] = []
            for _ in 0..<60 {
                let response = fixture.request("GET", Self.authenticatedProbe, headers: ["X-API-Key": FakeConfigService.randomKey()])
                statuses.append(response?.status ?? 0)
                if response?.status == 429 { #expect(response?.header("Retry-After") != nil) }
            }
            #expect(statuses.filter { $0 == 401 }.count <= 21 && statuses.contains(429), "\(statuses)")
            #expect(fake.verifyCalls.load(ordering: .relaxed) - baseline <= 21)
            #expect(![401, 429].contains(fixture.request("GET", Self.authenticatedProbe, headers: ["X-API-Key": fake.validKey])?.status ?? 401))
            // Admin keys are checked locally and never throttled.
            #expect(fixture.request("GET", "/api/admin/companies", headers: ["X-API-Key": fixture.adminKey])?.status == 200)
            await fake.stop()
        }

        @Test func validKeys_StayCached_UnderAFloodOfBadOnes() async throws {
            let fake = try await FakeConfigService(validKey: FakeConfigService.randomKey())
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_CACHE_TTL": "120s", "AUTH_FAILURE_RATE": "10000"],
                                    configAddress: "unix:\(fake.socket)", startConfig: false, readinessPath: "/livez")
            let valid = ["X-API-Key": fake.validKey]
            #expect(fixture.request("GET", Self.authenticatedProbe, headers: valid)?.status == 503)
            // 10,200 different bad keys, on keep-alive connections from 4 threads.
            let port = fixture.httpPort
            let rejected = Atomic<Int>(0)
            let probe = Self.authenticatedProbe
            await runOnThreads(4) { _ in
                guard let connection = RawHTTPConnection(port: port) else { return }
                for _ in 0..<2_550 {
                    connection.send("GET \(probe) HTTP/1.1\r\nHost: t\r\nX-API-Key: \(FakeConfigService.randomKey())\r\n\r\n")
                    if connection.readResponse()?.status == 401 { rejected.add(1, ordering: .relaxed) }
                }
            }
            #expect(rejected.load(ordering: .relaxed) == 10_200)
            // The config service stops answering verifications: the valid key is still known, so the request
            // goes past authentication to the (absent) agent service.
            fake.verifyAvailable.store(false, ordering: .relaxed)
            let after = fixture.request("GET", Self.authenticatedProbe, headers: valid)
            let service = ((after?.json?["error"] as? [String: Any])?["details"] as? [String: Any])?["service"] as? String
            #expect(after?.status == 503 && service == "agent", "\(after?.text ?? "no answer")")
            await fake.stop()
        }

        @Test func aSlowConfigService_GetsOneRefreshAtATime() async throws {
            let fake = try await FakeConfigService(validKey: FakeConfigService.randomKey())
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["GATEWAY_CACHE_TTL": "100ms"], configAddress: "unix:\(fake.socket)",
                                    startConfig: false, readinessPath: "/livez")
            // A tenant route needs the company list (the fake's is empty: 404, served from the cached copy).
            let admin = ["X-API-Key": fixture.adminKey, "X-Company-ID": "benova"]
            #expect(await waitUntil { fixture.request("GET", "/api/company", headers: admin)?.status == 404 })
            fake.listDelay.store(1_500, ordering: .relaxed)
            let before = fake.listCalls.load(ordering: .relaxed)
            // 50 requests over a second and a half, all answered from the (stale) copy meanwhile.
            var answered = 0
            for _ in 0..<50 {
                if fixture.request("GET", "/api/company", headers: admin)?.status == 404 { answered += 1 }
                try await Task.sleep(for: .milliseconds(30))  // pacing the requests, not waiting for a result
            }
            #expect(answered == 50)
            let calls = fake.listCalls.load(ordering: .relaxed) - before
            #expect(calls <= 3, "\(calls) listCompanies calls for 50 requests")
            await fake.stop()
        }
    }
}

/// A CA and a server certificate for localhost in `directory` (`ca.pem`, `server.pem`, `server.key`).
func makeTestCertificate(in directory: String) throws {
    let script = """
    set -e
    cd '\(directory)'
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Robustness CA' -keyout ca.key -out ca.pem 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext
    openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key -out server.csr 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
    """
    let result = try runCommand("/bin/sh", ["-c", script])
    guard result.status == 0 else { throw ExecutableLocator.LocatorError(message: "openssl could not make test certificates") }
}
