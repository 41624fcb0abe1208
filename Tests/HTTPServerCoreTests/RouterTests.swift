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
        if case .found(let route, _, _) = router.match(method: "GET", path: "/api/companies/special") { #expect(route == "special") }
        if case .found(let route, _, _) = router.match(method: "HEAD", path: "/api/companies") { #expect(route == "list") }
        if case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/api/companies/x") {
            #expect(allowed == ["GET", "HEAD", "PUT"])
        } else {
            Issue.record("expected 405")
        }
        if case .notFound = router.match(method: "GET", path: "/api/nothing") {} else { Issue.record("expected 404") }
    }
}
