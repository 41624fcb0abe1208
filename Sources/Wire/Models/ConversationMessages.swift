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
    /// The escalation this message created (for the channels to deliver).
    public var escalation: EscalationRecord?
    public init(reply: String, agentUsed: String, intents: [String], confidences: [Double], sources: [AnswerSource], provider: String,
                escalated: Bool, botActive: Bool, timings: [String: Double], classifier: String? = nil, providerNotes: [String]? = nil,
                escalation: EscalationRecord? = nil) {
        self.escalation = escalation
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

/// `agent/conversationHistory`, `agent/exportConversation` and `agent/deleteConversation` request.
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

/// `agent/exportConversation` response: everything the agent service holds about one patient of one
/// company: the kept messages, the bot status, the booking data collected, the appointments the chat booked
/// and the webhook deliveries from the patient's Chatwoot contact.
public struct ConversationExport: Codable, Sendable, Equatable {
    public var messages: [ConversationMessage]
    public var bot: BotStatus
    public var collectedData: [String: String]
    public var appointments: [Appointment]
    public var webhookEvents: [PatientWebhookEvent]
    /// How many statistics records (agent, intents, timings; no text) name the patient.
    public var statisticsRecords: Int
    public init(messages: [ConversationMessage], bot: BotStatus, collectedData: [String: String], appointments: [Appointment],
                webhookEvents: [PatientWebhookEvent], statisticsRecords: Int) {
        self.messages = messages
        self.bot = bot
        self.collectedData = collectedData
        self.appointments = appointments
        self.webhookEvents = webhookEvents
        self.statisticsRecords = statisticsRecords
    }
}

/// One webhook delivery of a patient's, as an export shows it: the event and the text the patient sent.
public struct PatientWebhookEvent: Codable, Sendable, Equatable {
    public var summary: WebhookEventSummary
    public var content: String?
    public init(summary: WebhookEventSummary, content: String?) {
        self.summary = summary
        self.content = content
    }
}

/// `agent/deleteConversation` response: what the erasure of one patient removed, store by store.
public struct ConversationErasure: Codable, Sendable, Equatable {
    /// Whether there was a kept conversation (messages, bot status or collected data).
    public var conversation: Bool
    public var statisticsRecords: Int
    public var appointments: Int
    public var webhookEvents: Int
    public init(conversation: Bool, statisticsRecords: Int, appointments: Int, webhookEvents: Int) {
        self.conversation = conversation
        self.statisticsRecords = statisticsRecords
        self.appointments = appointments
        self.webhookEvents = webhookEvents
    }

    /// Whether anything at all was found.
    public var erasedAnything: Bool { conversation || statisticsRecords + appointments + webhookEvents > 0 }
}

/// A conversation handed to a person: created when the emergency agent pauses the bot. The channels
/// deliver it (Chatwoot status, priority, label and private note).
public struct EscalationRecord: Codable, Sendable, Equatable {
    public var id: String
    public var userID: String
    /// `emergency` (the emergency agent) or `human_request` (the patient asked for a person).
    public var reason: String
    /// `urgent` (both reasons: the team should pick it up now).
    public var priority: String
    /// The patient's message that caused it (at most 500 characters).
    public var message: String
    public var createdAt: Date
    public init(id: String, userID: String, reason: String, priority: String, message: String, createdAt: Date) {
        self.id = id
        self.userID = userID
        self.reason = reason
        self.priority = priority
        self.message = message
        self.createdAt = createdAt
    }
}

/// One answered message, as the statistics count it.
public struct ConversationTurn: Codable, Sendable, Equatable {
    public var id: String
    public var userID: String
    public var timestamp: Date
    public var agent: String
    public var intents: [String]
    /// `builtin`, the model, or `mixed`.
    public var provider: String
    /// Classification, retrieval and the whole answer, in milliseconds.
    public var classificationMilliseconds: Double
    public var retrievalMilliseconds: Double
    public var totalMilliseconds: Double
    /// False when a sales or support question found nothing in the documents to answer it with.
    public var answered: Bool
    /// Whether this turn booked an appointment.
    public var booked: Bool
    public var escalation: EscalationRecord?
    public init(id: String, userID: String, timestamp: Date, agent: String, intents: [String], provider: String, classificationMilliseconds: Double,
                retrievalMilliseconds: Double, totalMilliseconds: Double, answered: Bool, booked: Bool, escalation: EscalationRecord? = nil) {
        self.id = id
        self.userID = userID
        self.timestamp = timestamp
        self.agent = agent
        self.intents = intents
        self.provider = provider
        self.classificationMilliseconds = classificationMilliseconds
        self.retrievalMilliseconds = retrievalMilliseconds
        self.totalMilliseconds = totalMilliseconds
        self.answered = answered
        self.booked = booked
        self.escalation = escalation
    }
}

/// `agent/companyStatistics` request: the company's conversation statistics between two instants.
public struct CompanyStatisticsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var from: Date
    public var to: Date
    public init(companyID: CompanyID, from: Date, to: Date) {
        self.companyID = companyID
        self.from = from
        self.to = to
    }
}

/// `agent/companyStatistics` response.
public struct CompanyStatistics: Codable, Sendable, Equatable {
    /// Conversations with at least one message in the period.
    public var conversations: Int
    /// Conversations kept in memory now whose bot answers (not paused by a human or an emergency).
    public var activeBots: Int
    /// Patient messages answered today (the company's time zone).
    public var messagesToday: Int
    /// Answered messages in the period.
    public var messages: Int
    /// Agent → messages it answered in the period.
    public var agentUsage: [String: Int]
    public var escalations: Int
    /// Appointments booked through conversations in the period.
    public var appointmentsBooked: Int
    /// Share of conversations that ended without a person (no escalation, bot not paused).
    public var containmentRate: Double
    public var escalationRate: Double
    /// Share of sales or availability conversations that booked an appointment.
    public var bookingConversion: Double
    /// Sales and support questions the documents could not answer.
    public var unanswered: Int
    public var averageResponseMilliseconds: Double
    public var p95ResponseMilliseconds: Double
    public var averageRetrievalMilliseconds: Double
    public var averageClassificationMilliseconds: Double
    /// Whether the period held more turns than were read (the figures then cover the newest ones).
    public var truncated: Bool
    public init(conversations: Int = 0, activeBots: Int = 0, messagesToday: Int = 0, messages: Int = 0, agentUsage: [String: Int] = [:], escalations: Int = 0,
                appointmentsBooked: Int = 0, containmentRate: Double = 0, escalationRate: Double = 0, bookingConversion: Double = 0, unanswered: Int = 0,
                averageResponseMilliseconds: Double = 0, p95ResponseMilliseconds: Double = 0, averageRetrievalMilliseconds: Double = 0,
                averageClassificationMilliseconds: Double = 0, truncated: Bool = false) {
        self.conversations = conversations
        self.activeBots = activeBots
        self.messagesToday = messagesToday
        self.messages = messages
        self.agentUsage = agentUsage
        self.escalations = escalations
        self.appointmentsBooked = appointmentsBooked
        self.containmentRate = containmentRate
        self.escalationRate = escalationRate
        self.bookingConversion = bookingConversion
        self.unanswered = unanswered
        self.averageResponseMilliseconds = averageResponseMilliseconds
        self.p95ResponseMilliseconds = p95ResponseMilliseconds
        self.averageRetrievalMilliseconds = averageRetrievalMilliseconds
        self.averageClassificationMilliseconds = averageClassificationMilliseconds
        self.truncated = truncated
    }
}

/// `agent/companyHealth` request.
public struct AgentCompanyHealthRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// `agent/companyHealth` response: what the agent service can do for a company right now.
public struct AgentCompanyHealth: Codable, Sendable, Equatable {
    /// The agents enabled for the company, as the agent service's copy of the configuration has them.
    public var agentsAvailable: [String]
    /// Whether the memory store answered a read for the company.
    public var memoryHealthy: Bool
    /// `sqlite` or `redis`.
    public var memoryStore: String
    /// `builtin` or the configured model (`openai:<model>`).
    public var languageModel: String
    public var problem: String?
    /// The company's stored Chatwoot webhook events in each state (nil when the inbox did not answer).
    public var webhookEvents: [String: Int]?
    /// `sqlite` or `redis`: where the webhook inbox is.
    public var webhookInbox: String?
    public init(agentsAvailable: [String], memoryHealthy: Bool, memoryStore: String, languageModel: String, problem: String? = nil,
                webhookEvents: [String: Int]? = nil, webhookInbox: String? = nil) {
        self.webhookEvents = webhookEvents
        self.webhookInbox = webhookInbox
        self.agentsAvailable = agentsAvailable
        self.memoryHealthy = memoryHealthy
        self.memoryStore = memoryStore
        self.languageModel = languageModel
        self.problem = problem
    }
}
