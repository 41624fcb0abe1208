import CompanyModel
import Testing
import Wire
@testable import TenantStorage

@Suite struct TenantScopeTests {
    func company(_ id: String, prefix: String? = nil, index: String? = nil) -> Company {
        Company(id: CompanyID(id)!, companyName: id, redisPrefix: prefix, vectorstoreIndex: index)
    }

    @Test func aScope_NamesEveryKeyInsideItsTenant() throws {
        let benova = try TenantScope(company: company("benova"))
        #expect(benova.redisKey("conversation", "chatwoot_contact_42") == "benova:conversation:chatwoot_contact_42")
        #expect(benova.vectorKey("chunk-1") == "benova_documents:chunk-1")
        #expect(benova.owns(redisKey: "benova:document:1") && benova.owns(redisKey: "benova_documents:x"))
        #expect(!benova.owns(redisKey: "medispa:document:1"))
        #expect(benova.directory(under: "/data") == "/data/tenants/benova")
        // A part cannot climb out of the prefix: the prefix is always at the front.
        #expect(benova.redisKey("*").hasPrefix("benova:"))
    }

    @Test func onlyValidNaming_MakesAScope() {
        #expect(throws: TenantScope.Invalid.self) { try TenantScope(company: company("benova", prefix: "")) }
        #expect(throws: TenantScope.Invalid.self) { try TenantScope(company: company("benova", prefix: "benova")) }
        #expect(throws: TenantScope.Invalid.self) { try TenantScope(company: company("benova", prefix: "ben*va:")) }
        #expect(throws: TenantScope.Invalid.self) { try TenantScope(company: company("benova", index: "Bad Index")) }
        #expect(throws: TenantScope.Invalid.self) { try TenantScope(company: company("benova", index: "")) }
    }

    @Test func scopes_OfDifferentCompanies_NeverCompareEqual() throws {
        let a = try TenantScope(company: company("benova"))
        let b = try TenantScope(company: company("medispa"))
        #expect(a != b && a.companyID != b.companyID)
        #expect(Set([a, b, a]).count == 2)
    }
}
