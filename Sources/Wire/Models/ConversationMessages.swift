import Foundation

/// Who wrote a message of a conversation.
public enum ConversationRole: String, Codable, Sendable, TolerantEnum {
    case user
    case assistant
    case unknown
    public static var unknownCase: ConversationRole { .unknown }
}

/// One message of a conversation, as memory keeps it.
public struct ConversationMessage: Codable, Sendable, Equatable {
    public var role: ConversationRole
    public var text: String
    /// The agent that answered (assistant messages).
    public var agent: String?
    /// The intents the router found (user messages).
    public var intents: [String]
    public var timestamp: Date

    public init(role: ConversationRole, text: String, agent: String? = nil, intents: [String] = [], timestamp: Date) {
        self.role = role
        self.text = text
        self.agent = agent
        self.intents = intents
        self.timestamp = timestamp
    }
}

/// One conversation in a listing.
public struct ConversationSummary: Codable, Sendable, Equatable {
    public var userID: String
    public var lastActivity: Date
    public var messageCount: Int
    public var botActive: Bool
    public init(userID: String, lastActivity: Date, messageCount: Int, botActive: Bool) {
        self.userID = userID
        self.lastActivity = lastActivity
        self.messageCount = messageCount
        self.botActive = botActive
    }
}

/// Whether the bot answers a conversation, and why not when it does not (a human took over, an emergency).
public struct BotStatus: Codable, Sendable, Equatable {
    public var active: Bool
    public var reason: String?
    public var changedAt: Date?
    public init(active: Bool = true, reason: String? = nil, changedAt: Date? = nil) {
        self.active = active
        self.reason = reason
        self.changedAt = changedAt
    }
}
