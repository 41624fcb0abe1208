import HTTPServerCore
import Testing
import Wire
@testable import GatewayCore

@Suite struct TenantResolverTests {
    let resolver = TenantResolver(defaultCompany: nil)

    private func request(target: String = "/api/company", headers: HTTPHeaders = [:], body: String? = nil) -> HTTPRequest {
        var headers = headers
        if body != nil { headers["Content-Type"] = "application/json" }
        return HTTPRequest(method: "POST", target: target, headers: headers, body: Array((body ?? "").utf8))
    }

    private func code(_ request: HTTPRequest, principal: Principal = .anonymous, resolver: TenantResolver? = nil) -> String? {
        do {
            _ = try (resolver ?? self.resolver).requestedCompany(in: request, boundTo: principal)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func sourcesInOrder_AndAgreementAcrossThem() throws {
        #expect(try resolver.requestedCompany(in: request(headers: ["X-Company-ID": "benova"]), boundTo: .anonymous).rawValue == "benova")
        #expect(try resolver.requestedCompany(in: request(target: "/x?company_id=dental"), boundTo: .anonymous).rawValue == "dental")
        #expect(try resolver.requestedCompany(in: request(body: #"{"company_id":"medispa"}"#), boundTo: .anonymous).rawValue == "medispa")
        let agreeing = request(target: "/x?company_id=benova", headers: ["X-Company-ID": "benova"], body: #"{"company_id":"benova"}"#)
        #expect(try resolver.requestedCompany(in: agreeing, boundTo: .anonymous).rawValue == "benova")
    }

    @Test func conflictsMissingAndMalformedIDs_AreErrors() {
        #expect(code(request(target: "/x?company_id=dental", headers: ["X-Company-ID": "benova"])) == "tenant_conflict")
        #expect(code(request(headers: ["X-Company-ID": "benova"], body: #"{"company_id":"dental"}"#)) == "tenant_conflict")
        #expect(code(request(target: "/x?company_id=a&company_id=b")) == "tenant_conflict")
        #expect(code(request()) == "company_id_required")
        #expect(code(request(headers: ["X-Company-ID": "Bad Id!"])) == "invalid_company_id")
        #expect(code(request(headers: ["X-Company-ID": "../etc"])) == "invalid_company_id")
        #expect(code(request(body: #"{"company_id":42}"#)) == "invalid_company_id")
    }

    @Test func boundCredentialsAndTheExplicitDefault_FillAMissingID() throws {
        let benova = CompanyID("benova")!
        #expect(try resolver.requestedCompany(in: request(), boundTo: .tenantKey(company: benova, keyID: "k")) == benova)
        let withDefault = TenantResolver(defaultCompany: CompanyID("wellness"))
        #expect(try withDefault.requestedCompany(in: request(), boundTo: .anonymous).rawValue == "wellness")
    }

    @Test func principals_AccessOnlyTheirCompanies() {
        let benova = CompanyID("benova")!
        let dental = CompanyID("dental")!
        #expect(Principal.tenantKey(company: benova, keyID: "k").mayAccess(benova, authenticationEnabled: true))
        #expect(!Principal.tenantKey(company: benova, keyID: "k").mayAccess(dental, authenticationEnabled: true))
        #expect(!Principal.tenantToken(companies: [benova], subject: nil).mayAccess(dental, authenticationEnabled: true))
        #expect(Principal.admin(name: "x").mayAccess(dental, authenticationEnabled: true))
        #expect(!Principal.anonymous.mayAccess(dental, authenticationEnabled: true))
        #expect(Principal.anonymous.mayAccess(dental, authenticationEnabled: false))
    }
}
