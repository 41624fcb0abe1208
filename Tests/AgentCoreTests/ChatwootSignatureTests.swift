import Foundation
import Testing
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
