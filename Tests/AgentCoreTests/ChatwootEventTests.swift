import Foundation
import HTTPServerCore
import Testing
@testable import AgentCore

/// What each Chatwoot payload means to the bot (the shapes of ../shared/notes/chatwoot-and-openai-wire.md §A.4–A.6).
struct ChatwootEventTests {
    func classify(_ text: String, account: String = "1") throws -> ChatwootEvent.Classification {
        let body = Array(text.utf8)
        return ChatwootEvent.classify(try JSONParser.parse(body), body: body, accountID: account)
    }

    func event(_ text: String, account: String = "1") throws -> ChatwootEvent? {
        if case .process(let event) = try classify(text, account: account) { return event }
        return nil
    }

    func reason(_ text: String) throws -> String? {
        if case .ignore(let reason) = try classify(text) { return reason }
        return nil
    }

    /// The notes' full incoming message (web widget, v4.13 shape), trimmed of nothing the classifier reads.
    static let incoming = """
        {"account":{"id":1,"name":"Acme"},"additional_attributes":{},"content_attributes":{"in_reply_to":null},"content_type":"text",
         "content":"Hi, where is my order?","conversation":{"can_reply":true,"channel":"Channel::WebWidget",
         "contact_inbox":{"id":163,"contact_id":163,"inbox_id":1,"source_id":"f8cf369d","pubsub_token":"zJJM"},"id":150,"inbox_id":1,
         "messages":[{"id":810,"message_type":0,"sender_type":"Contact","sender_id":163}],"labels":[],
         "meta":{"sender":{"id":163,"name":"Jane","type":"contact"},"assignee":null,"assignee_type":null,"team":null},"status":"pending",
         "timestamp":1763177714,"updated_at":1763177714.183048,"account":{"id":1,"name":"Acme"}},
         "created_at":"2025-11-15T03:35:14.179Z","id":810,"inbox":{"id":1,"name":"Website"},"message_type":"incoming","private":false,
         "sender":{"account":{"id":1,"name":"Acme"},"avatar":"","email":null,"id":163,"identifier":null,"name":"Jane","phone_number":null,
         "thumbnail":"","blocked":false},"source_id":null,"event":"message_created"}
        """

    @Test func aContactsMessage_IsAPatientMessage_KeyedByAccountAndMessageID() throws {
        let patient = try #require(try event(Self.incoming))
        #expect(patient.kind == .patientMessage && patient.conversationID == 150 && patient.messageID == 810)
        #expect(patient.userID == "chatwoot_contact_163" && patient.content == "Hi, where is my order?" && patient.status == "pending")
        #expect(patient.deduplicationKey == "message:1:810")
        // The same message id in another account is another event.
        #expect(try event(Self.incoming, account: "2")?.deduplicationKey == "message:2:810")
    }

    @Test func theSeedsMinimalPayload_IsIgnoredBecauseItNamesNoSender() throws {
        #expect(try reason(#"{"event":"message_created","conversation":{"account_id":"7"},"content":"Test message"}"#) == "the message names no sender")
    }

    @Test func messagesTheBotMustNotAnswer_AreIgnoredWithTheirReason() throws {
        let privateNote = Self.incoming.replacingOccurrences(of: #""private":false"#, with: #""private":true"#)
        #expect(try reason(privateNote) == "private note")
        let fromAgent = Self.incoming.replacingOccurrences(of: #""thumbnail":"","blocked":false}"#, with: #""type":"user"}"#)
        #expect(try reason(fromAgent) == "incoming message not sent by a contact")
        // No text and no attachment (a message with attachments is processed: AttachmentComposerTests).
        let empty = Self.incoming.replacingOccurrences(of: #""content":"Hi, where is my order?""#, with: #""content":null"#)
        #expect(try reason(empty) == "the message has no text and no attachment")
        let bot = #"{"event":"message_created","id":5,"message_type":"outgoing","private":false,"conversation":{"id":9},"sender":{"id":1,"type":"agent_bot"}}"#
        #expect(try reason(bot) == "the bot's own message")
        let captain = bot.replacingOccurrences(of: "agent_bot", with: "captain_assistant")
        #expect(try reason(captain) == "the bot's own message")
        let template = #"{"event":"message_created","id":6,"message_type":"template","conversation":{"id":9},"sender":{"id":1}}"#
        #expect(try reason(template) == "message type is neither incoming nor outgoing")
        #expect(try reason(#"{"event":"message_updated","id":1}"#) == "event 'message_updated' is not processed")
        #expect(try reason(#"{"id":1}"#) == "the payload names no event")
        #expect(try reason("[1,2]") == "the payload is not a JSON object")
        #expect(try reason(#"{"event":"message_created","id":1,"message_type":"incoming","sender":{"id":2},"content":"hola"}"#)
                    == "the message names no conversation id")
    }

    @Test func aHumanAgentsReply_PausesTheBot_AndPushFormatTypesAreRead() throws {
        let reply = #"{"event":"message_created","id":"811","message_type":1,"private":false,"content":"Hola, soy Laura","#
            + #""conversation":{"id":"150","status":"open","meta":{"sender":{"id":163}}},"sender":{"id":3,"name":"Laura","type":"user"}}"#
        let human = try #require(try event(reply))
        #expect(human.kind == .humanReply && human.conversationID == 150 && human.messageID == 811 && human.userID == "chatwoot_contact_163")
        #expect(human.content == nil, "what the agent wrote is not kept")
    }

    @Test func conversationEvents_CarryTheStatus_AndRepeatsOfOneBodyShareAKey() throws {
        let changed = #"{"event":"conversation_status_changed","id":150,"status":"pending","changed_attributes":null,"contact_inbox":{"contact_id":163}}"#
        let status = try #require(try event(changed))
        #expect(status.kind == .statusChange && status.status == "pending" && status.userID == "chatwoot_contact_163")
        #expect(try event(changed)?.deduplicationKey == status.deduplicationKey)
        let later = changed.replacingOccurrences(of: "pending", with: "open")
        #expect(try event(later)?.deduplicationKey != status.deduplicationKey)
        #expect(try event(#"{"event":"conversation_opened","id":150}"#)?.status == "open")
        #expect(try event(#"{"event":"conversation_resolved","id":150}"#)?.status == "resolved")
        #expect(try event(#"{"event":"conversation_created","id":151,"status":"pending"}"#)?.kind == .conversationCreated)
        #expect(try reason(#"{"event":"conversation_updated","id":150,"status":"weird"}"#) == "the event carries no conversation status")
    }
}

struct PayloadMaskingTests {
    @Test func personalData_IsMaskedAtEveryDepth_WhileIdsStatusesAndStructureStay() throws {
        let masked = PayloadMasking.masked(body: Array(ChatwootEventTests.incoming.utf8))
        let value = try JSONParser.parse(Array(masked.utf8))
        #expect(value["id"]?.integerValue == 810 && value["conversation"]?["status"]?.stringValue == "pending")
        #expect(value["content"]?.stringValue == "***" && value["sender"]?["name"]?.stringValue == "***")
        #expect(value["conversation"]?["meta"]?["sender"]?["name"]?.stringValue == "***")
        #expect(value["conversation"]?["contact_inbox"]?["pubsub_token"]?.stringValue == "***")
        #expect(value["conversation"]?["contact_inbox"]?["contact_id"]?.integerValue == 163)
        for secret in ["Jane", "where is my order", "zJJM", "f8cf369d"] { #expect(!masked.contains(secret), "\(secret) leaked") }
        let custom = PayloadMasking.masked(body: Array(#"{"custom_attributes":{"cedula":"123"},"phone_number":"+573001234567"}"#.utf8))
        #expect(!custom.contains("123") && custom.contains("custom_attributes"))
        #expect(PayloadMasking.masked(body: Array("not json".utf8)) == #""*** (8 bytes, not JSON)""#)
    }
}

struct HumanRequestDetectorTests {
    @Test func askingForAPerson_InSpanishOrEnglish_IsRecognised_AndOrdinaryMessagesAreNot() {
        for message in ["Quiero hablar con una persona", "¿me pasas con un asesor?", "no quiero hablar con un bot", "Can I talk to a human?",
                        "I want to speak with someone please", "hablar con alguien de recepción"] {
            #expect(HumanRequestDetector.asksForPerson(message, lastBotMessage: nil), "\(message)")
        }
        for message in ["¿Cuánto cuesta un botox?", "sí", "gracias", "¿a qué hora abren?", "the person who treated me was great"] {
            #expect(!HumanRequestDetector.asksForPerson(message, lastBotMessage: nil), "\(message)")
        }
    }

    @Test func yes_AcceptsTheBotsOfferOfAPerson_OnlyRightAfterIt() {
        let offer = "No encuentro esa información. ¿Quieres que una persona de nuestro equipo te contacte?"
        #expect(HumanRequestDetector.asksForPerson("Sí, por favor", lastBotMessage: offer))
        #expect(HumanRequestDetector.asksForPerson("yes please", lastBotMessage: "Would you like a person from our team to contact you?"))
        #expect(!HumanRequestDetector.asksForPerson("Sí, por favor", lastBotMessage: "¿Quieres reservar el viernes?"))
    }
}

/// The bounds separate "woken by the signal" from "waited out the 30 s timeout" by a wide margin, so a test
/// run whose cooperative threads are busy for seconds (CPU-bound suites run in parallel) cannot fail them.
struct WakeSignalTests {
    @Test func aSignalGivenBeforeTheWait_IsNotLost_AndEachSignalWakesAWaiter() async {
        let signal = WakeSignal()
        let generation = signal.generation
        signal.signal()
        let start = ContinuousClock.now
        await signal.wait(after: generation, timeout: .seconds(30))
        #expect(ContinuousClock.now - start < .seconds(20))
        // One signal wakes one waiter (the longest waiting); four signals wake four.
        let current = signal.generation
        let woken = await withTaskGroup(of: Int.self) { group -> [Int] in
            for index in 0..<4 { group.addTask { await signal.wait(after: current, timeout: .seconds(30)); return index } }
            var woken: [Int] = []
            for _ in 0..<4 {
                signal.signal()
                if let next = await group.next() { woken.append(next) }
            }
            return woken
        }
        #expect(woken.count == 4 && ContinuousClock.now - start < .seconds(25))
    }

    @Test func withoutASignal_TheWaitEndsAtItsTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(after: signal.generation, timeout: .milliseconds(50))
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(40) && waited < .seconds(20))
    }
}
