import CompanyModel
import Foundation
import Testing
import Wire
@testable import AgentCore

struct ChatwootSignatureTests {
    // The test vector of ../shared/notes/chatwoot-and-openai-wire.md §A.3.
    static let body = Array(#"{"event":"message_created","id":810,"message_type":"incoming"}"#.utf8)
    static let signature = "sha256=3bfe24f2a820d0360bb961a85ec78dec8850b882588f345fc509950a7d943d0f"
    static let sent = Date(timeIntervalSince1970: 1_763_177_714)

    @Test func theReferenceVector_Verifies_AndSigningReproducesIt() throws {
        #expect(ChatwootSignature.sign(body: Self.body, timestamp: "1763177714", secret: "whsec-test-secret") == Self.signature)
        try ChatwootSignature.verify(body: Self.body, signature: Self.signature, timestamp: "1763177714", secret: "whsec-test-secret",
                                     now: Self.sent.addingTimeInterval(2))
    }

    @Test func everyWayToGetItWrong_IsRefusedWithItsReason() {
        func refusal(_ body: [UInt8] = Self.body, signature: String? = Self.signature, timestamp: String? = "1763177714", secret: String = "whsec-test-secret",
                     now: Date = Self.sent) -> ChatwootSignature.Refusal? {
            do throws(ChatwootSignature.Refusal) {
                try ChatwootSignature.verify(body: body, signature: signature, timestamp: timestamp, secret: secret, now: now)
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal(signature: nil) == .missing && refusal(timestamp: "") == .missing)
        #expect(refusal(signature: "3bfe24f2") == .malformed && refusal(signature: "sha256=zz") == .malformed && refusal(timestamp: "-5") == .malformed)
        #expect(refusal(now: Self.sent.addingTimeInterval(301)) == .stale && refusal(now: Self.sent.addingTimeInterval(-31)) == .stale)
        #expect(refusal(secret: "another-secret") == .mismatch)
        #expect(refusal(Self.body + Array(" ".utf8)) == .mismatch, "one byte more in the body")
        #expect(refusal(signature: "sha256=5dc13a8398bd2f97a8c67d53d7628453b6d18f7fe9ae62cb03a5ddda24163260") == .mismatch, "the body-only HMAC")
        #expect(refusal(timestamp: "1763177715", now: Self.sent) == .mismatch, "the timestamp is signed")
    }
}

/// The handoff convention follows the integration unless set explicitly, and a handoff status the bot still
/// answers in is refused.
struct ChatwootSettingsTests {
    func company(_ chatwoot: String) throws -> Company {
        let json = #"{"company_id":"benova","company_name":"Benova","chatwoot":"# + chatwoot + "}"
        return try JSONDecoder().decode(Company.self, from: Data(json.utf8))
    }

    @Test func defaults_FollowTheIntegration() throws {
        let original = try #require(try company(#"{"base_url":"https://chat.example.com"}"#).chatwoot)
        #expect(original.effectiveIntegration == .accountWebhook && original.effectiveBotActiveStatuses == ["open"] && original.effectiveHumanStatus == "pending")
        #expect(!original.signatureRequired, "no secret, no signature (the seed's accounts 7 and 8)")
        let bot = try #require(try company(#"{"integration":"agent_bot","webhook_secret":"s3cret"}"#).chatwoot)
        #expect(bot.effectiveBotActiveStatuses == ["pending"] && bot.effectiveHumanStatus == "open" && bot.signatureRequired)
        let relaxed = try #require(try company(#"{"webhook_secret":"s3cret","require_signature":false,"bot_active_statuses":["open","pending"],"human_status":"snoozed"}"#).chatwoot)
        #expect(!relaxed.signatureRequired && relaxed.effectiveHumanStatus == "snoozed")
        #expect(CompanyValidator.fieldProblems(try company(#"{"integration":"agent_bot"}"#)).isEmpty)
    }

    @Test func aHandoffStatusTheBotAnswersIn_IsRefused() throws {
        let problems = CompanyValidator.fieldProblems(try company(#"{"integration":"agent_bot","human_status":"pending"}"#))
        #expect(problems.keys.contains("chatwoot.human_status"), "\(problems)")
        #expect(CompanyValidator.fieldProblems(try company(#"{"human_status":"closed"}"#)).keys.contains("chatwoot.human_status"))
        #expect(throws: (any Error).self) { try company(#"{"integration":"whatsapp"}"#) }
    }
}
