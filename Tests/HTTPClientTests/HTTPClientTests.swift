import Foundation
import HTTPServerCore
import NetworkCore
import Synchronization
import Testing
@testable import HTTPClient

/// A real HTTP server (the project's own HTTPServerCore on a loopback port) with routes that misbehave
/// the way remote APIs do: slow answers, throttling with Retry-After, huge bodies, redirects.
final class TestServer: HTTPResponder, Sendable {
    let flakyCalls = Atomic<Int>(0)
    let slowCalls = Atomic<Int>(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 4 << 20 }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        switch request.path {
        case "/ok":
            return HTTPResponse(status: 200, headers: ["X-Method": request.method], body: Array("hello".utf8))
        case "/echo":
            var headers = HTTPHeaders()
            headers["X-Echo"] = request.headers["X-Test"] ?? ""
            headers["Content-Type"] = request.headers["Content-Type"] ?? ""
            return HTTPResponse(status: 201, headers: headers, body: request.body)
        case "/flaky":
            if flakyCalls.add(1, ordering: .relaxed).oldValue < 2 {
                return HTTPResponse(status: 503, headers: ["Retry-After": "0"], body: Array("later".utf8))
            }
            return HTTPResponse(status: 200, body: Array("finally".utf8))
        case "/busy":
            return HTTPResponse(status: 429, headers: ["Retry-After": "120"], body: Array("slow down".utf8))
        case "/slow":
            slowCalls.add(1, ordering: .relaxed)
            // Ends early when the client goes away (the server cancels the responder).
            try? await Task.sleep(for: .seconds(30))
            return HTTPResponse(status: 200, body: Array("late".utf8))
        case "/big":
            return HTTPResponse(status: 200, body: [UInt8](repeating: 0x61, count: 2 << 20))
        case "/redirect":
            return HTTPResponse(status: 302, headers: ["Location": "/ok"])
        case "/redirect-away":
            return HTTPResponse(status: 302, headers: ["Location": "http://metadata.internal/latest"])
        default:
            return HTTPResponse(status: 404)
        }
    }
}

@Suite(.serialized) struct HTTPClientTests {
    /// Starts the test server and returns its base URL.
    func withServer(_ body: (String, TestServer, HTTPClient) async throws -> Void) async throws {
        let responder = TestServer()
        let server = HTTPServer(configuration: HTTPServerConfiguration(plainAddresses: [.tcp(host: "127.0.0.1", port: 0)]),
                                responder: responder)
        try await server.start()
        guard case .tcp(_, let port)? = server.boundAddresses.plain.first else {
            Issue.record("the test server did not bind")
            return
        }
        let client = try HTTPClient()
        do {
            try await body("http://127.0.0.1:\(port)", responder, client)
        } catch {
            client.shutdown()
            await server.shutdownGracefully()
            throw error
        }
        client.shutdown()
        await server.shutdownGracefully()
    }

    @Test func requests_AndResponses_RoundTrip() async throws {
        try await withServer { base, _, client in
            let ok = try await client.execute(HTTPClientRequest(url: base + "/ok"))
            #expect(ok.status == 200 && ok.text == "hello" && ok.header("x-method") == "GET" && ok.attempts == 1)
            let body = Array(#"{"input":"hola ñ"}"#.utf8)
            let echoed = try await client.execute(HTTPClientRequest(
                method: "POST", url: base + "/echo", headers: [("Content-Type", "application/json"), ("X-Test", "42")], body: body))
            #expect(echoed.status == 201 && echoed.body == body && echoed.header("X-Echo") == "42")
            #expect(echoed.header("Content-Type") == "application/json")
            let head = try await client.execute(HTTPClientRequest(method: "HEAD", url: base + "/ok"))
            #expect(head.status == 200 && head.body.isEmpty)
            let missing = try await client.execute(HTTPClientRequest(url: base + "/nothing"))
            #expect(missing.status == 404)
        }
    }

    @Test func retries_FollowTheServersRetryAfter_AndGiveUpOnLongOnes() async throws {
        try await withServer { base, server, client in
            let flaky = try await client.execute(HTTPClientRequest(url: base + "/flaky", retry: .standard))
            #expect(flaky.status == 200 && flaky.text == "finally" && flaky.attempts == 3)
            #expect(server.flakyCalls.load(ordering: .relaxed) == 3)
            // A server that asks for two minutes gets its 429 back at once, not a two-minute wait.
            let start = ContinuousClock.now
            let busy = try await client.execute(HTTPClientRequest(url: base + "/busy", retry: .standard))
            #expect(busy.status == 429 && busy.attempts == 1 && busy.header("Retry-After") == "120")
            #expect(ContinuousClock.now - start < .seconds(15))
            #expect(HTTPClient.retryAfter("3") == .seconds(3))
            #expect(HTTPClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == .zero)
            #expect(HTTPClient.retryAfter("soon") == nil)
        }
    }

    @Test func limits_TimeAndSize_AreEnforced() async throws {
        try await withServer { base, _, client in
            let start = ContinuousClock.now
            let slow = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: base + "/slow", timeout: .milliseconds(300)))
            }
            #expect(slow?.kind == .timeout)
            #expect(ContinuousClock.now - start < .seconds(15))
            let big = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: base + "/big", maximumResponseBytes: 1 << 20))
            }
            #expect(big?.kind == .responseTooLarge)
            let large = try await client.execute(HTTPClientRequest(url: base + "/big", maximumResponseBytes: 4 << 20))
            #expect(large.body.count == 2 << 20)
        }
    }

    @Test func destinations_AreChecked_BeforeAndAfterNameResolution() async throws {
        try await withServer { base, _, client in
            // Loopback is a private address: a download policy refuses it, even when the name is allowed.
            let downloads = DestinationPolicy.downloads(from: ["127.0.0.1", "localhost"])
            for url in [base + "/ok", base.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/ok"] {
                let refused = await #expect(throws: HTTPClientError.self, "\(url)") {
                    try await client.execute(HTTPClientRequest(url: url), policy: downloads)
                }
                #expect(refused?.kind == .destinationNotAllowed, "\(url)")
            }
            // A host outside the allowed list is refused without connecting.
            let outside = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: base + "/ok"), policy: DestinationPolicy(allowedHosts: ["chat.example.com"]))
            }
            #expect(outside?.kind == .destinationNotAllowed)
            for bad in ["ftp://127.0.0.1/x", "http://user:pw@127.0.0.1/", "not a url", "http:///nohost"] {
                let invalid = await #expect(throws: HTTPClientError.self, "\(bad)") { try await client.execute(HTTPClientRequest(url: bad)) }
                #expect(invalid?.kind == .invalidURL, "\(bad)")
            }
            // Redirects are followed only when asked, and each target is checked.
            let unfollowed = try await client.execute(HTTPClientRequest(url: base + "/redirect"))
            #expect(unfollowed.status == 302)
            let followed = try await client.execute(HTTPClientRequest(url: base + "/redirect", maximumRedirects: 2))
            #expect(followed.status == 200 && followed.url.hasSuffix("/ok"))
            let away = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: base + "/redirect-away", maximumRedirects: 2),
                                         policy: DestinationPolicy(allowedHosts: ["127.0.0.1"]))
            }
            #expect(away?.kind == .destinationNotAllowed)
            #expect(ParsedURL("http://[::1]:8080/x")?.host == "::1" && ParsedURL("http://[::1]:8080/x")?.port == 8080)
            #expect(ParsedURL("https://Chat.Example.com/x")?.origin == Origin(scheme: "https", host: "chat.example.com", port: 443))
            #expect(ParsedURL("http://h:0/") == nil && ParsedURL("http://h:99999/") == nil && ParsedURL("http://h:8a/") == nil)
        }
    }

    @Test func cancellation_StopsTheTransfer_AndRefusedConnectionsAreConnectionErrors() async throws {
        try await withServer { base, server, client in
            let task = Task { try await client.execute(HTTPClientRequest(url: base + "/slow")) }
            #expect(await waitFor { server.slowCalls.load(ordering: .relaxed) > 0 })
            let start = ContinuousClock.now
            task.cancel()
            let cancelled = await #expect(throws: HTTPClientError.self) { try await task.value }
            #expect(cancelled?.kind == .cancelled)
            #expect(ContinuousClock.now - start < .seconds(15))
            let refused = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:1/", connectTimeout: .seconds(1)))
            }
            #expect(refused?.kind == .connection)
        }
    }

    @Test func willSend_IsCalledOncePerAttemptThatLeaves_AndNeverForARefusedConnection() async throws {
        try await withServer { base, _, client in
            let calls = Atomic<Int>(0)
            var request = HTTPClientRequest(method: "POST", url: base + "/echo", body: Array("x".utf8))
            request.willSend = { calls.add(1, ordering: .relaxed); return true }
            let echoed = try await client.execute(request)
            #expect(echoed.status == 201)
            #expect(calls.load(ordering: .relaxed) == 1)
            // Three attempts (two 503s, then 200): each attempt's request left.
            var flaky = HTTPClientRequest(url: base + "/flaky", retry: HTTPRetryPolicy(maximumAttempts: 3, initialBackoff: .milliseconds(10)))
            flaky.willSend = { calls.add(1, ordering: .relaxed); return true }
            let retried = try await client.execute(flaky)
            #expect(retried.status == 200 && retried.attempts == 3)
            #expect(calls.load(ordering: .relaxed) == 4)
            var refused = HTTPClientRequest(method: "POST", url: "http://127.0.0.1:1/", connectTimeout: .seconds(1))
            refused.willSend = { calls.add(1, ordering: .relaxed); return true }
            await #expect(throws: HTTPClientError.self) { try await client.execute(refused) }
            #expect(calls.load(ordering: .relaxed) == 4, "nothing left: no call")
            // A caller that cannot record the send stops it: the server never sees the request.
            var stopped = HTTPClientRequest(method: "POST", url: base + "/flaky", body: Array("x".utf8))
            stopped.willSend = { false }
            let aborted = await #expect(throws: HTTPClientError.self) { try await client.execute(stopped) }
            #expect(aborted?.requestSent == false)
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitFor(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
