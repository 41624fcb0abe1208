import Foundation
import Testing
import TenantStorage
import Wire
import WireRPC
@testable import AgentCore

/// The agent service's side of the webhook: signatures, parsing and storage before the answer.
struct WebhookIntakeTests {
    static let secret = "whsec-test-secret"
    static let body = Array(ChatwootEventTests.incoming.utf8)

    func company(requireSignature: Bool?) -> (Company, TenantScope) {
        let id = "i" + UUID().uuidString.prefix(8).lowercased()
        var company = Company(id: CompanyID(id)!, companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents")
        company.chatwoot = ChatwootSettings(requireSignature: requireSignature)
        return (company, try! TenantScope(company: company))
    }

    func withIntake(secret: String?, _ body: (WebhookIntake, SQLiteWebhookInbox) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "intake-\(UUID().uuidString.prefix(8))"
        let inbox = try await SQLiteWebhookInbox(path: directory + "/inbox.sqlite3")
        defer { inbox.close(); try? FileManager.default.removeItem(atPath: directory) }
        try await body(WebhookIntake(inbox: inbox, secret: { _ in secret }, clock: { Date(timeIntervalSince1970: 1_763_177_720) }), inbox)
    }

    func request(_ company: Company, body: [UInt8] = body, signature: String? = nil, timestamp: String? = "1763177714") -> AcceptWebhookRequest {
        AcceptWebhookRequest(companyID: company.id, accountID: "1", body: body, signature: signature, timestamp: timestamp, deliveryID: nil)
    }

    func refusal(_ intake: WebhookIntake, _ request: AcceptWebhookRequest, _ company: Company, _ scope: TenantScope) async -> RPCError? {
        do throws(RPCError) {
            _ = try await intake.accept(request, company: company, scope: scope)
            return nil
        } catch {
            return error
        }
    }

    @Test func aSignedDelivery_IsStoredOnce_AndBadSignaturesStoreNothing() async throws {
        try await withIntake(secret: Self.secret) { intake, inbox in
            let (company, scope) = company(requireSignature: true)
            let good = ChatwootSignature.sign(body: Self.body, timestamp: "1763177714", secret: Self.secret)
            let first = try await intake.accept(request(company, signature: good), company: company, scope: scope)
            #expect(first.status == "accepted" && first.eventID != nil)
            let again = try await intake.accept(request(company, signature: good), company: company, scope: scope)
            #expect(again.status == "ignored" && again.eventID == first.eventID && again.reason?.contains("duplicate") == true)
            let wrong = ChatwootSignature.sign(body: Self.body, timestamp: "1763177714", secret: "another")
            for bad in [request(company, signature: wrong), request(company, signature: nil, timestamp: nil),
                        request(company, signature: good, timestamp: "1763170000")] {
                let error = await refusal(intake, bad, company, scope)
                #expect(error?.code == .unauthenticated && error?.metadata[RPCError.errorCodeMetadataKey] == "invalid_signature", "\(String(describing: error))")
            }
            #expect(try await inbox.list(state: nil, offset: 0, limit: 10, in: scope).total == 1)
        }
    }

    @Test func unverifiedCompanies_TakeUnsignedDeliveries_ButARequiredSignatureNeedsASecret() async throws {
        try await withIntake(secret: nil) { intake, _ in
            let (open, openScope) = company(requireSignature: false)
            let accepted = try await intake.accept(request(open), company: open, scope: openScope)
            #expect(accepted.status == "accepted")
            let (strict, strictScope) = company(requireSignature: true)
            let error = await refusal(intake, request(strict), strict, strictScope)
            #expect(error?.code == .unauthenticated && error?.message.contains("no webhook secret") == true)
        }
    }

    @Test func malformedAndOversizedBodies_AreRefusedClearly() async throws {
        try await withIntake(secret: nil) { intake, inbox in
            let (company, scope) = company(requireSignature: false)
            let malformed = await refusal(intake, request(company, body: Array(#"{"event":"#.utf8)), company, scope)
            #expect(malformed?.code == .invalidArgument && malformed?.metadata[RPCError.errorCodeMetadataKey] == "malformed_json")
            let huge = await refusal(intake, request(company, body: [UInt8](repeating: 0x20, count: WebhookIntake.maximumBodyBytes + 1)), company, scope)
            #expect(huge?.code == .outOfRange)
            let stored = try await inbox.list(state: nil, offset: 0, limit: 10, in: scope)
            #expect(stored.total == 0)
        }
    }
}
