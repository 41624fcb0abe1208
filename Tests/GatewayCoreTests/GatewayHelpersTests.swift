import Foundation
import HTTPServerCore
import Testing
@testable import GatewayCore

@Suite struct GatewayHelpersTests {
    @Test func rateLimiter_RefusesWhenTheBucketIsEmpty_AndRefills() async throws {
        let limiter = RateLimiter(burstSeconds: 1)
        var allowed = 0
        for _ in 0..<10 where limiter.take("t", rate: 5).allowed { allowed += 1 }
        #expect(allowed == 5)
        let refused = limiter.take("t", rate: 5)
        #expect(!refused.allowed && refused.resetSeconds >= 1 && refused.remaining == 0)
        #expect(limiter.take("other", rate: 5).allowed)
        // At 5 per second a token comes back within 200 ms: poll for it (a loaded machine may be late), and
        // check it did not come back at once.
        let emptied = ContinuousClock.now
        var refilled = false
        // Tried after every wait, the last one too: a starved test (other suites busy on the cooperative threads)
        // may wake up only after the deadline, and by then the token is certainly back.
        repeat {
            try await Task.sleep(for: .milliseconds(20))
            refilled = limiter.take("t", rate: 5).allowed
        } while !refilled && ContinuousClock.now - emptied < .seconds(5)
        #expect(refilled && ContinuousClock.now - emptied >= .milliseconds(100))
    }

    @Test func accessLog_RedactsSecretQueryValues() {
        #expect(AccessLog.redact("/api/x?company_id=benova&api_key=abc&token=t") == "/api/x?company_id=benova&api_key=***&token=***")
        #expect(AccessLog.redact("/livez") == "/livez")
    }

    @Test func requestIDs_AreKeptWhenSane_AndReplacedOtherwise() {
        let sane = HTTPRequest(method: "GET", target: "/", headers: ["X-Request-ID": "abc-123"])
        #expect(GatewayApp.requestID(from: sane) == "abc-123")
        let hostile = HTTPRequest(method: "GET", target: "/", headers: ["X-Request-ID": "a b\"<script>"])
        #expect(GatewayApp.requestID(from: hostile) != "a b\"<script>")
        #expect(GatewayApp.requestID(from: hostile).count == 24)
    }

    @Test func errorEnvelope_HasTheProductShape() throws {
        let response = HTTPError(status: 404, code: "unknown_company", message: "Company 'x' does not exist.").response()
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
        #expect(json["status"] == .string("error"))
        #expect(json["message"] == .string("Company 'x' does not exist."))
        #expect(json["error"]?["code"] == .string("unknown_company"))
        #expect(json["error"]?["message"] == .string("Company 'x' does not exist."))
        #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
    }
}
