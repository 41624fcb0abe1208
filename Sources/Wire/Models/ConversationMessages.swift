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

/// `agent/chat` request: one patient message to answer.
public struct ChatRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    /// `chatwoot_contact_<id>` for Chatwoot, the given id for the test endpoint.
    public var userID: String
    public var message: String
    public init(companyID: CompanyID, userID: String, message: String) {
        self.companyID = companyID
        self.userID = userID
        self.message = message
    }
}

/// A document passage an answer used.
public struct AnswerSource: Codable, Sendable, Equatable {
    public var documentID: String
    public var title: String
    public var heading: String
    public var score: Double
    public init(documentID: String, title: String, heading: String, score: Double) {
        self.documentID = documentID
        self.title = title
        self.heading = heading
        self.score = score
    }
}

/// `agent/chat` response.
public struct ChatAnswer: Codable, Sendable, Equatable {
    public var reply: String
    public var agentUsed: String
    /// Intent → confidence, strongest first.
    public var intents: [String]
    public var confidences: [Double]
    public var sources: [AnswerSource]
    /// `builtin` (the grounded responder) or the model that answered.
    public var provider: String
    public var escalated: Bool
    /// Whether the bot still answers this conversation (false after an escalation).
    public var botActive: Bool
    /// Step → milliseconds: classification, retrieval, generation, total.
    public var timings: [String: Double]
    /// What classified the message: `builtin` or the model (`openai:<model>`).
    public var classifier: String?
    /// Why a configured model's answer or classification was not used (its error, the grounding guard).
    public var providerNotes: [String]?
    public init(reply: String, agentUsed: String, intents: [String], confidences: [Double], sources: [AnswerSource], provider: String,
                escalated: Bool, botActive: Bool, timings: [String: Double], classifier: String? = nil, providerNotes: [String]? = nil) {
        self.classifier = classifier
        self.providerNotes = providerNotes
        self.reply = reply
        self.agentUsed = agentUsed
        self.intents = intents
        self.confidences = confidences
        self.sources = sources
        self.provider = provider
        self.escalated = escalated
        self.botActive = botActive
        self.timings = timings
    }
}

/// `agent/listConversations` request: one page of the company's conversations by last activity.
public struct ListConversationsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var page: Int
    public var pageSize: Int
    public init(companyID: CompanyID, page: Int = 1, pageSize: Int = 20) {
        self.companyID = companyID
        self.page = page
        self.pageSize = pageSize
    }
}

/// `agent/listConversations` response.
public struct ConversationPage: Codable, Sendable, Equatable {
    public var total: Int
    public var conversations: [ConversationSummary]
    public init(total: Int, conversations: [ConversationSummary]) {
        self.total = total
        self.conversations = conversations
    }
}

/// `agent/conversationHistory` and `agent/deleteConversation` request.
public struct ConversationReference: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var userID: String
    public init(companyID: CompanyID, userID: String) {
        self.companyID = companyID
        self.userID = userID
    }
}

/// `agent/conversationHistory` response: the kept messages, oldest first, and the bot status.
public struct ConversationHistory: Codable, Sendable, Equatable {
    public var messages: [ConversationMessage]
    public var bot: BotStatus
    public init(messages: [ConversationMessage], bot: BotStatus) {
        self.messages = messages
        self.bot = bot
    }
}
