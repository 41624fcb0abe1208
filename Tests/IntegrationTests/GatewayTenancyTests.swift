import CryptoPrimitives
import Foundation
import Testing

extension IntegrationSuite {
    /// Tenant resolution and authentication, row by row, against the real gateway and config service.
    @Suite(.serialized) struct GatewayTenancyTests {
        private func token(_ fixture: GatewayFixture, header: String = #"{"alg":"HS256","typ":"JWT"}"#, claims: String,
                           secret: String? = nil) -> String {
            let head = Base64URL.encode(Array(header.utf8))
            let payload = Base64URL.encode(Array(claims.utf8))
            let signature = Digest.hmacSHA256(key: Array((secret ?? fixture.jwtSecret).utf8), message: Array("\(head).\(payload)".utf8))
            return "\(head).\(payload).\(Base64URL.encode(signature))"
        }

        @Test func tenantResolution_AndAuthentication_EveryRow() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start()
            let admin = ["X-API-Key": fixture.adminKey]
            func call(_ headers: [String: String], target: String = "/api/company", body: String? = nil) -> RawHTTPResponse? {
                var headers = headers
                if body != nil { headers["Content-Type"] = "application/json" }
                return fixture.request("GET", target, headers: headers, body: body)
            }
            func company(_ response: RawHTTPResponse?) -> String? { response?.json?["company_id"] as? String }

            // Sources: header, query, JSON body; agreement is fine.
            #expect(company(call(admin.merging(["X-Company-ID": "benova"]) { $1 })) == "benova")
            #expect(company(call(admin, target: "/api/company?company_id=medispa")) == "medispa")
            #expect(company(call(admin, body: #"{"company_id":"wellness"}"#)) == "wellness")
            #expect(company(call(admin.merging(["X-Company-ID": "dental"]) { $1 }, target: "/api/company?company_id=dental")) == "dental")
            // Conflicts, missing, malformed, unknown, inactive.
            #expect(call(admin.merging(["X-Company-ID": "benova"]) { $1 }, target: "/api/company?company_id=dental")?.errorCode == "tenant_conflict")
            #expect(call(admin.merging(["X-Company-ID": "benova"]) { $1 }, body: #"{"company_id":"dental"}"#)?.errorCode == "tenant_conflict")
            let missing = call(admin)
            #expect(missing?.status == 400 && missing?.errorCode == "company_id_required")
            let malformed = call(admin.merging(["X-Company-ID": "Bad Company!"]) { $1 })
            #expect(malformed?.status == 400 && malformed?.errorCode == "invalid_company_id")
            let unknown = call(admin.merging(["X-Company-ID": "nobody"]) { $1 })
            #expect(unknown?.status == 404 && unknown?.errorCode == "unknown_company")
            let inactive = call(admin.merging(["X-Company-ID": "closed"]) { $1 })
            #expect(inactive?.status == 403 && inactive?.errorCode == "company_inactive")

            // No credentials: 401 with a challenge; public routes stay open.
            let anonymous = call(["X-Company-ID": "benova"])
            #expect(anonymous?.status == 401 && anonymous?.errorCode == "authentication_required")
            #expect(anonymous?.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
            for path in ["/livez", "/readyz", "/api/health"] {
                #expect(fixture.request("GET", path)?.status == 200, "\(path)")
            }
            // /metrics names companies: admin only unless METRICS_PUBLIC.
            #expect(fixture.request("GET", "/metrics")?.status == 401)
            // The directory is closed like everything else (PUBLIC_DIRECTORY is off by default).
            for path in ["/api/companies", "/api/companies/benova"] {
                #expect(fixture.request("GET", path)?.errorCode == "authentication_required", "\(path)")
            }
            // Tenant API keys: their own company (also implicitly), never another one.
            #expect(company(call(["X-API-Key": fixture.benovaKey, "X-Company-ID": "benova"])) == "benova")
            #expect(company(call(["X-API-Key": fixture.benovaKey])) == "benova")
            let crossTenant = call(["X-API-Key": fixture.benovaKey, "X-Company-ID": "dental"])
            #expect(crossTenant?.status == 403 && crossTenant?.errorCode == "tenant_forbidden")
            #expect(call(["X-API-Key": fixture.benovaKey], target: "/api/company?company_id=dental")?.errorCode == "tenant_forbidden")
            #expect(call(["X-API-Key": fixture.benovaKey], body: #"{"company_id":"dental"}"#)?.errorCode == "tenant_forbidden")
            // A tenant key never reveals whether another company exists.
            #expect(call(["X-API-Key": fixture.dentalKey, "X-Company-ID": "nobody"])?.errorCode == "tenant_forbidden")
            let badKey = call(["X-API-Key": fixture.benovaKey + "x", "X-Company-ID": "benova"])
            #expect(badKey?.status == 401 && badKey?.errorCode == "invalid_api_key")
            #expect(call(["X-API-Key": "cbk_nothing_here", "X-Company-ID": "benova"])?.status == 401)
            // Admin routes need admin credentials.
            #expect(fixture.request("GET", "/api/admin/companies", headers: admin)?.status == 200)
            let tenantOnAdmin = fixture.request("GET", "/api/admin/companies", headers: ["X-API-Key": fixture.benovaKey])
            #expect(tenantOnAdmin?.status == 403 && tenantOnAdmin?.errorCode == "admin_required")
            #expect(fixture.request("GET", "/api/admin/companies")?.status == 401)

            // Bearer tokens.
            let exp = Int(Date().timeIntervalSince1970) + 600
            let tenantToken = token(fixture, claims: #"{"role":"tenant","company_id":"medispa","exp":\#(exp)}"#)
            #expect(company(call(["Authorization": "Bearer \(tenantToken)"])) == "medispa")
            #expect(call(["Authorization": "Bearer \(tenantToken)", "X-Company-ID": "benova"])?.errorCode == "tenant_forbidden")
            let listToken = token(fixture, claims: #"{"role":"tenant","company_id":["benova","dental"],"exp":\#(exp)}"#)
            #expect(company(call(["Authorization": "Bearer \(listToken)", "X-Company-ID": "dental"])) == "dental")
            let adminToken = token(fixture, claims: #"{"role":"admin","exp":\#(exp)}"#)
            #expect(fixture.request("GET", "/api/admin/companies", headers: ["Authorization": "Bearer \(adminToken)"])?.status == 200)
            // Tampered, expired, not yet valid, wrong secret, alg none.
            var parts = tenantToken.split(separator: ".").map(String.init)
            parts[1] = Base64URL.encode(Array(#"{"role":"admin","exp":\#(exp)}"#.utf8))
            let tampered = call(["Authorization": "Bearer \(parts.joined(separator: "."))", "X-Company-ID": "benova"])
            #expect(tampered?.status == 401 && tampered?.errorCode == "invalid_token")
            #expect(tampered?.header("WWW-Authenticate")?.contains("invalid_token") == true)
            let expired = token(fixture, claims: #"{"role":"tenant","company_id":"medispa","exp":\#(exp - 7_200)}"#)
            #expect(call(["Authorization": "Bearer \(expired)"])?.status == 401)
            let future = token(fixture, claims: #"{"role":"tenant","company_id":"medispa","exp":\#(exp),"nbf":\#(exp)}"#)
            #expect(call(["Authorization": "Bearer \(future)"])?.status == 401)
            let forged = token(fixture, claims: #"{"role":"admin","exp":\#(exp)}"#, secret: "some-other-secret-of-sufficient-length-xx")
            #expect(fixture.request("GET", "/api/admin/companies", headers: ["Authorization": "Bearer \(forged)"])?.status == 401)
            let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let nonePayload = Base64URL.encode(Array(#"{"role":"admin","exp":\#(exp)}"#.utf8))
            for unsigned in ["\(noneHeader).\(nonePayload).", "\(noneHeader).\(nonePayload)"] {
                #expect(fixture.request("GET", "/api/admin/companies", headers: ["Authorization": "Bearer \(unsigned)"])?.status == 401)
            }
            #expect(call(["Authorization": "Basic dXNlcjpwYXNz", "X-Company-ID": "benova"])?.status == 401)
            #expect(call(["Authorization": "Bearer \(tenantToken)", "X-API-Key": fixture.benovaKey])?.errorCode == "ambiguous_credentials")
        }

        @Test func rateLimits_Answer429WithRetryAfter() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["RATE_LIMIT_BASIC": "2", "RATE_LIMIT_PER_KEY": "1000"])
            let connection = try #require(RawHTTPConnection(port: fixture.httpPort))
            var statuses: [Int] = []
            var last: RawHTTPResponse?
            // dental is on the basic tier: 2 requests/s with a 2 s burst → 4 allowed at once, then 429
            // (a few more may pass if the machine is slow enough for the bucket to refill meanwhile).
            for _ in 0..<30 where last?.status != 429 {
                connection.send("GET /api/company HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.dentalKey)\r\n\r\n")
                last = connection.readResponse()
                statuses.append(last?.status ?? 0)
            }
            #expect(statuses.prefix(4).allSatisfy { $0 == 200 })
            #expect(statuses.count >= 5 && statuses.last == 429)
            #expect(last?.errorCode == "rate_limited")
            #expect(Int(last?.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(last?.header("RateLimit-Limit") == "4" && last?.header("RateLimit-Remaining") == "0")
            // Another tenant has its own bucket.
            let other = fixture.request("GET", "/api/company", headers: ["X-API-Key": fixture.benovaKey])
            #expect(other?.status == 200 && other?.header("RateLimit-Remaining") != nil)
        }
    }
}
