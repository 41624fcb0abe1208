import CryptoPrimitives
import Foundation
import HTTPServerCore
import Testing
import Wire
@testable import GatewayCore

@Suite struct JWTVerifierTests {
    let verifier = JWTVerifier(secret: Array("a-test-secret-that-is-long-enough-1234".utf8))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func validTokens_GiveTheirPrincipal() throws {
        let tenant = verifier.sign(["role": .string("tenant"), "company_id": .string("benova"), "exp": .number(1_800_000_600),
                                    "sub": .string("panel")])
        #expect(try verifier.verify(tenant, now: now) == .tenantToken(companies: [CompanyID("benova")!], subject: "panel"))
        let several = verifier.sign(["role": .string("tenant"), "company_id": .array([.string("benova"), .string("dental")]),
                                     "exp": .number(1_800_000_600)])
        #expect(try verifier.verify(several, now: now).mayAccess(CompanyID("dental")!, authenticationEnabled: true))
        let admin = verifier.sign(["role": .string("admin"), "exp": .number(1_800_000_600)])
        #expect(try verifier.verify(admin, now: now).isAdmin)
    }

    @Test func badTokens_AreRefused() throws {
        let valid = verifier.sign(["role": .string("tenant"), "company_id": .string("benova"), "exp": .number(1_800_000_600)])
        let parts = valid.split(separator: ".").map(String.init)
        // Tampered payload (another company) with the original signature.
        let forgedPayload = Base64URL.encode(JSONValue.object([
            "role": .string("tenant"), "company_id": .string("medispa"), "exp": .number(1_800_000_600),
        ]).serialized())
        #expect(throws: JWTVerifier.Failure.badSignature) { try verifier.verify("\(parts[0]).\(forgedPayload).\(parts[2])", now: now) }
        // alg: none, with and without a signature.
        let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        #expect(throws: JWTVerifier.Failure.unsupportedAlgorithm) { try verifier.verify("\(noneHeader).\(parts[1]).", now: now) }
        #expect(throws: JWTVerifier.Failure.unsupportedAlgorithm) { try verifier.verify("\(noneHeader).\(parts[1]).\(parts[2])", now: now) }
        let hs512 = Base64URL.encode(Array(#"{"alg":"HS512","typ":"JWT"}"#.utf8))
        #expect(throws: JWTVerifier.Failure.unsupportedAlgorithm) { try verifier.verify("\(hs512).\(parts[1]).\(parts[2])", now: now) }
        // Signed with another secret.
        let other = JWTVerifier(secret: Array("another-secret-that-is-long-enough-99".utf8))
        #expect(throws: JWTVerifier.Failure.badSignature) {
            try verifier.verify(other.sign(["role": .string("admin"), "exp": .number(1_800_000_600)]), now: now)
        }
        // Time claims.
        #expect(throws: JWTVerifier.Failure.expired) {
            try verifier.verify(verifier.sign(["role": .string("admin"), "exp": .number(1_799_999_000)]), now: now)
        }
        #expect(throws: JWTVerifier.Failure.notYetValid) {
            try verifier.verify(verifier.sign(["role": .string("admin"), "exp": .number(1_800_009_000), "nbf": .number(1_800_001_000)]), now: now)
        }
        #expect(throws: JWTVerifier.Failure.self) { try verifier.verify(verifier.sign(["role": .string("admin")]), now: now) }
        #expect(throws: JWTVerifier.Failure.self) {
            try verifier.verify(verifier.sign(["role": .string("tenant"), "exp": .number(1_800_000_600)]), now: now)
        }
        #expect(throws: JWTVerifier.Failure.self) {
            try verifier.verify(verifier.sign(["role": .string("root"), "exp": .number(1_800_000_600)]), now: now)
        }
        for garbage in ["", "a.b", "a.b.c.d", "!!!.???.***", valid + "x"] {
            #expect(throws: JWTVerifier.Failure.self, "\(garbage)") { try verifier.verify(garbage, now: now) }
        }
    }
}
