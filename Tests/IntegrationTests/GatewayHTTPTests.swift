import Foundation
import Testing

extension IntegrationSuite {
    /// HTTP/1.1 behaviour of the real gateway executable, driven over raw sockets.
    @Suite(.serialized) struct GatewayHTTPTests {
        @Test func keepAlive_Pipelining_Chunked_Continue_Head() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            let connection = try #require(RawHTTPConnection(port: fixture.httpPort))

            // Keep-alive: two requests, one connection.
            connection.send("GET /livez HTTP/1.1\r\nHost: t\r\n\r\n")
            let first = try #require(connection.readResponse())
            #expect(first.status == 200 && first.text == #"{"status":"alive"}"#)
            #expect(first.header("Date") != nil && first.header("X-Request-ID") != nil)
            connection.send("GET /api/companies HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.adminKey)\r\nX-Request-ID: trace-42\r\n\r\n")
            let second = try #require(connection.readResponse())
            #expect(second.status == 200 && second.header("X-Request-ID") == "trace-42")

            // Pipelining: three requests in one write, answered in order.
            connection.send("GET /livez HTTP/1.1\r\nHost: t\r\nX-Request-ID: p1\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\nX-Request-ID: p2\r\n\r\n"
                            + "GET /api/companies/benova HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.benovaKey)\r\nX-Request-ID: p3\r\n\r\n")
            let pipelined = (0..<3).compactMap { _ in connection.readResponse() }
            #expect(pipelined.map(\.status) == [200, 404, 200])
            #expect(pipelined.map { $0.header("X-Request-ID") ?? "" } == ["p1", "p2", "p3"])
            #expect(pipelined[1].errorCode == "not_found")

            // A chunked body (tenant taken from the JSON body).
            connection.send("GET /api/company HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.adminKey)\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"compa\r\n15\r\nny_id\":\"dental\"}     \r\n0\r\n\r\n")
            let chunked = try #require(connection.readResponse())
            #expect(chunked.status == 200)
            #expect((chunked.json?["company"] as? [String: Any])?["company_id"] as? String == "dental")

            // Expect: 100-continue.
            let body = #"{"company_id":"benova"}"#
            connection.send("GET /api/company HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.adminKey)\r\nContent-Type: application/json\r\n"
                            + "Content-Length: \(body.utf8.count)\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(connection.readResponse())
            #expect(interim.status == 100)
            connection.send(body)
            let final = try #require(connection.readResponse())
            #expect(final.status == 200 && final.json?["company_id"] as? String == "benova")

            // HEAD: headers of the GET, no body.
            connection.send("HEAD /livez HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try #require(connection.readResponse(headOnly: true))
            #expect(head.status == 200 && head.header("Content-Length") == "18" && head.body.isEmpty)
            connection.send("GET /livez HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(connection.readResponse()?.header("Connection") == "close")
            #expect(connection.waitForClose())

            // HTTP/1.0 closes unless asked otherwise.
            let old = try #require(RawHTTPConnection(port: fixture.httpPort))
            old.send("GET /livez HTTP/1.0\r\n\r\n")
            #expect(old.readResponse()?.status == 200)
            #expect(old.waitForClose())

            // 404 and 405 with Allow.
            #expect(fixture.request("GET", "/does/not/exist")?.errorCode == "not_found")
            let notAllowed = try #require(fixture.request("POST", "/livez", body: ""))
            #expect(notAllowed.status == 405 && notAllowed.header("Allow") == "GET, HEAD")
        }

        @Test func limitsAndTimeouts_GetTheirStatus() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: [
                "GATEWAY_HEADER_TIMEOUT": "1s", "GATEWAY_BODY_TIMEOUT": "1s", "GATEWAY_KEEPALIVE_TIMEOUT": "3s",
                "GATEWAY_MAX_CONNECTIONS": "30", "GATEWAY_MAX_BODY_BYTES": "4096",
            ])
            func status(_ raw: String) -> (Int?, Bool) {
                guard let connection = RawHTTPConnection(port: fixture.httpPort) else { return (nil, false) }
                connection.send(raw)
                let response = connection.readResponse()
                return (response?.status, connection.waitForClose())
            }
            // 431: an oversized header block, and too many fields.
            #expect(status("GET /livez HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n") == (431, true))
            let many = (0..<120).map { "X-H\($0): v\r\n" }.joined()
            #expect(status("GET /livez HTTP/1.1\r\nHost: t\r\n\(many)\r\n") == (431, true))
            // 413: a declared body over the limit is refused before it is sent.
            #expect(status("GET /api/company HTTP/1.1\r\nHost: t\r\nContent-Length: 10000\r\nExpect: 100-continue\r\n\r\n") == (413, true))
            // 413: a chunked body that grows past the limit.
            let bigChunk = String(repeating: "x", count: 5_000)
            #expect(status("GET /api/company HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n\(bigChunk)\r\n0\r\n\r\n") == (413, true))

            // 408: headers that never finish (slowloris), and a body that stalls.
            let clock = ContinuousClock()
            let slow = try #require(RawHTTPConnection(port: fixture.httpPort))
            let start = clock.now
            slow.send("GET /livez HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            #expect(slow.readResponse()?.status == 408)
            #expect(slow.waitForClose())
            #expect(clock.now - start < .seconds(4))
            let stalled = try #require(RawHTTPConnection(port: fixture.httpPort))
            stalled.send("GET /api/company HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n0123456789")
            #expect(stalled.readResponse()?.status == 408)

            // An idle keep-alive connection is closed.
            let idle = try #require(RawHTTPConnection(port: fixture.httpPort))
            idle.send("GET /livez HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(idle.readResponse()?.status == 200)
            let idleStart = clock.now
            #expect(idle.waitForClose())
            #expect(clock.now - idleStart >= .seconds(2) && clock.now - idleStart < .seconds(6))

            // Beyond the connection limit new connections get 503.
            var open: [RawHTTPConnection] = []
            for _ in 0..<30 { if let connection = RawHTTPConnection(port: fixture.httpPort) { open.append(connection) } }
            // Each open connection is counted once the server has accepted it; give it a moment under load.
            var refused: RawHTTPResponse?
            for _ in 0..<10 where refused?.status != 503 {
                try await Task.sleep(for: .milliseconds(100))
                let extra = try #require(RawHTTPConnection(port: fixture.httpPort, receiveTimeout: 0.5))
                refused = extra.readResponse()
            }
            #expect(refused?.status == 503 && refused?.errorCode == "too_many_connections")
            open.removeAll()
            #expect(await waitUntil { fixture.request("GET", "/livez")?.status == 200 })
        }

        @Test func smugglingShapes_AreRefusedWith400() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            let shapes = [
                "POST /livez HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST /livez HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
                "POST /livez HTTP/1.1\r\nHost: t\r\nContent-Length: 5, 7\r\n\r\nhello",
                "POST /livez HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                "POST /livez HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
                "GET /livez HTTP/1.1\r\nHost: t\r\nX-Folded: a\r\n b\r\n\r\n",
                "GET /livez HTTP/1.1\nHost: t\r\n\r\n",
                "GET /livez HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n",
                "GET /livez HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nhello",
            ]
            for shape in shapes {
                let connection = try #require(RawHTTPConnection(port: fixture.httpPort))
                connection.send(shape)
                let response = connection.readResponse()
                #expect(response?.status == 400, "\(shape.debugDescription)")
                #expect(response?.header("Connection") == "close")
                #expect(response?.json?["status"] as? String == "error")
                #expect(connection.waitForClose(), "\(shape.debugDescription)")
            }
            #expect(fixture.request("GET", "/livez")?.status == 200)
        }
    }
}
