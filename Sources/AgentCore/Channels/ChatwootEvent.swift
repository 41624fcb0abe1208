import CryptoPrimitives
import Foundation
import HTTPServerCore

/// What one Chatwoot webhook delivery means to the bot, read from its payload (the shapes of
/// `../shared/notes/chatwoot-and-openai-wire.md` §A.4–A.6). Only the events the bot acts on are kept;
/// ``classify(_:body:)`` says why the others are ignored.
public struct ChatwootEvent: Sendable, Equatable {
    /// What the bot does with an event.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// An incoming, public message from a contact: answered while the bot has the conversation.
        case patientMessage = "patient_message"
        /// An outgoing, public message written by a human agent: the bot steps back.
        case humanReply = "human_reply"
        /// The conversation's status changed (or was reported): stored; a bot-active one hands back to the bot.
        case statusChange = "status_change"
        /// A new conversation: its status is stored.
        case conversationCreated = "conversation_created"
    }

    public var kind: Kind
    /// The Chatwoot event name.
    public var event: String
    public var accountID: String
    /// The conversation's `display_id`: the number in the API's paths.
    public var conversationID: Int
    public var messageID: Int?
    /// `chatwoot_contact_<id>`: the memory's conversation key (per contact, as the original kept it).
    public var userID: String?
    public var content: String?
    /// The conversation's status as the payload reports it.
    public var status: String?
    /// What makes a second delivery of the same event recognisable: `message:<account>:<id>` for messages
    /// (the chatwoot docs' advice), the event, conversation and a hash of the body otherwise.
    public var deduplicationKey: String

    /// The verdict on one payload.
    public enum Classification: Sendable, Equatable {
        case process(ChatwootEvent)
        case ignore(reason: String)
    }

    /// The longest message text kept (longer ones are cut: the agents answer at most 4,000 characters).
    static let maximumContentLength = 4_000

    /// Reads `payload` (the parsed `body`) for the company's `accountID`.
    public static func classify(_ payload: JSONValue, body: [UInt8], accountID: String) -> Classification {
        guard case .object(let root) = payload else { return .ignore(reason: "the payload is not a JSON object") }
        guard case .string(let event)? = root["event"] else { return .ignore(reason: "the payload names no event") }
        switch event {
        case "message_created":
            return message(root, event: event, accountID: accountID)
        case "conversation_status_changed", "conversation_updated", "conversation_opened", "conversation_resolved", "conversation_created":
            return conversation(root, event: event, accountID: accountID, body: body)
        default:
            return .ignore(reason: "event '\(event.prefix(64))' is not processed")
        }
    }

    static func message(_ root: [String: JSONValue], event: String, accountID: String) -> Classification {
        if root["private"]?.boolValue == true { return .ignore(reason: "private note") }
        guard case .object(let sender)? = root["sender"] else { return .ignore(reason: "the message names no sender") }
        let conversation = root["conversation"]?.objectValue ?? [:]
        guard let conversationID = conversation["id"]?.integerValue, conversationID > 0 else {
            return .ignore(reason: "the message names no conversation id")
        }
        guard let messageID = root["id"]?.integerValue else { return .ignore(reason: "the message has no id") }
        let senderType = sender["type"]?.stringValue
        let status = conversation["status"]?.stringValue
        let key = "message:\(accountID):\(messageID)"
        switch root["message_type"]?.stringValue ?? root["message_type"]?.integerValue.map(Self.messageTypeName) {
        case "incoming":
            // A contact's sender data has no `type` (push data says "contact").
            guard senderType == nil || senderType == "contact" else { return .ignore(reason: "incoming message not sent by a contact") }
            let text = (root["content"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            // A voice note or a photo often comes with no text: its attachments are read from the stored payload.
            let attached = !(root["attachments"]?.arrayValue ?? []).isEmpty
            guard !text.isEmpty || attached else { return .ignore(reason: "the message has no text and no attachment") }
            guard let contact = contactID(root, conversation: conversation, sender: sender) else {
                return .ignore(reason: "the message names no contact id")
            }
            return .process(ChatwootEvent(kind: .patientMessage, event: event, accountID: accountID, conversationID: conversationID, messageID: messageID,
                                          userID: "chatwoot_contact_\(contact)", content: String(text.prefix(maximumContentLength)), status: status,
                                          deduplicationKey: key))
        case "outgoing":
            switch senderType {
            case "user":
                return .process(ChatwootEvent(kind: .humanReply, event: event, accountID: accountID, conversationID: conversationID, messageID: messageID,
                                              userID: contactID(conversation).map { "chatwoot_contact_\($0)" }, content: nil, status: status,
                                              deduplicationKey: key))
            case "agent_bot", "captain_assistant": return .ignore(reason: "the bot's own message")
            default: return .ignore(reason: "outgoing message not sent by a human agent")
            }
        default:
            return .ignore(reason: "message type is neither incoming nor outgoing")
        }
    }

    static func conversation(_ root: [String: JSONValue], event: String, accountID: String, body: [UInt8]) -> Classification {
        guard let conversationID = root["id"]?.integerValue, conversationID > 0 else { return .ignore(reason: "the event names no conversation id") }
        let status: String?
        switch event {
        case "conversation_opened": status = "open"
        case "conversation_resolved": status = "resolved"
        default: status = root["status"]?.stringValue
        }
        guard let status, ["open", "pending", "resolved", "snoozed"].contains(status) else {
            return .ignore(reason: "the event carries no conversation status")
        }
        let digest = Digest.hex(Digest.sha256(body).prefix(12))
        return .process(ChatwootEvent(kind: event == "conversation_created" ? .conversationCreated : .statusChange, event: event, accountID: accountID,
                                      conversationID: conversationID, messageID: nil, userID: contactID(root).map { "chatwoot_contact_\($0)" },
                                      content: nil, status: status,
                                      deduplicationKey: "\(event):\(accountID):\(conversationID):\(digest)"))
    }

    /// The contact: `conversation.contact_inbox.contact_id`, then `conversation.meta.sender.id`, then `sender.id`
    /// (the original's order).
    static func contactID(_ root: [String: JSONValue], conversation: [String: JSONValue], sender: [String: JSONValue]) -> Int? {
        contactID(conversation) ?? sender["id"]?.integerValue
    }

    /// The contact of a conversation object: `contact_inbox.contact_id`, else `meta.sender.id`.
    static func contactID(_ conversation: [String: JSONValue]) -> Int? {
        conversation["contact_inbox"]?.objectValue?["contact_id"]?.integerValue
            ?? conversation["meta"]?.objectValue?["sender"]?.objectValue?["id"]?.integerValue
    }

    /// Push-format message types (`0` incoming, `1` outgoing, `2` activity, `3` template).
    static func messageTypeName(_ value: Int) -> String {
        switch value {
        case 0: "incoming"
        case 1: "outgoing"
        case 2: "activity"
        default: "template"
        }
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
    var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// A whole number, written as a number or as a string of digits (Chatwoot ids arrive both ways).
    var integerValue: Int? {
        switch self {
        case .number(let value): value.rounded() == value && abs(value) < 9e15 ? Int(value) : nil
        case .string(let text): text.utf8.count <= 18 && !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? Int(text) : nil
        default: nil
        }
    }
}
