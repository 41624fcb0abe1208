import Testing
@testable import HTTPServerCore

@Suite struct RouterTests {
    @Test func matchesStaticAndParameterSegments_AndReportsAllowedMethods() {
        var router = Router<String>()
        router.add("GET", "/api/companies", "list")
        router.add("GET", "/api/companies/{id}", "one")
        router.add("PUT", "/api/companies/{id}", "update")
        router.add("GET", "/api/companies/special", "special")
        guard case .found(let route, let parameters, let pattern) = router.match(method: "GET", path: "/api/companies/benova") else {
            Issue.record("no match")
            return
        }
        #expect(route == "one" && parameters == ["id": "benova"] && pattern == "/api/companies/{id}")
        guard case .found(let special, _, _) = router.match(method: "GET", path: "/api/companies/special") else {
            Issue.record("no match for the static segment")
            return
        }
        #expect(special == "special")
        guard case .found(let head, _, _) = router.match(method: "HEAD", path: "/api/companies") else {
            Issue.record("HEAD does not fall back to GET")
            return
        }
        #expect(head == "list")
        if case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/api/companies/x") {
            #expect(allowed == ["GET", "HEAD", "PUT"])
        } else {
            Issue.record("expected 405")
        }
        if case .notFound = router.match(method: "GET", path: "/api/nothing") {} else { Issue.record("expected 404") }
    }

    @Test func segments_AreMatchedAsSplitBeforeDecoding() {
        var router = Router<String>()
        router.add("GET", "/api/companies/{id}", "one")
        router.add("GET", "/api/companies/{id}/agents", "agents")
        // An encoded slash stays inside its segment: it can neither reach a deeper route nor become one.
        let encoded = HTTPRequest(method: "GET", target: "/api/companies/benova%2Fagents")
        #expect(encoded.pathSegments == ["api", "companies", "benova/agents"])
        guard case .found(let route, let parameters, _) = router.match(method: "GET", segments: encoded.pathSegments) else {
            Issue.record("no match")
            return
        }
        #expect(route == "one" && parameters["id"] == "benova/agents")
        if case .found = router.match(method: "GET", segments: HTTPRequest(method: "GET", target: "/api%2Fcompanies/x").pathSegments) {
            Issue.record("an encoded slash made two segments")
        }
        // Dot segments and encoded control characters never reach the router.
        for target in ["/api/companies/..", "/api/companies/%2e%2E/agents", "/a/./b", "/a/%00", "/a/%zz"] {
            #expect(throws: HTTPParseError.self, "\(target)") { _ = try RequestPath.parse(target) }
        }
        #expect(throws: Never.self) { _ = try RequestPath.parse("/api/companies/benova%20spa?x=..") }
    }
}
