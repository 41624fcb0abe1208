/// A company's Chatwoot connection. The token and webhook secret are secrets: services receive them over
/// Wire, but the HTTP API never returns them.
public struct ChatwootSettings: Codable, Sendable, Equatable {
    public var baseURL: String?
    public var apiAccessToken: String?
    /// Without it, the webhook accepts unsigned events for this company.
    public var webhookSecret: String?
    /// Conversation statuses in which the bot answers (`["open"]` as in the original; `["pending"]` suits
    /// Chatwoot agent-bot inboxes).
    public var botActiveStatuses: [String]

    public init(baseURL: String? = nil, apiAccessToken: String? = nil, webhookSecret: String? = nil,
                botActiveStatuses: [String] = ["open"]) {
        self.baseURL = baseURL
        self.apiAccessToken = apiAccessToken
        self.webhookSecret = webhookSecret
        self.botActiveStatuses = botActiveStatuses
    }
}

/// Conversation memory: how many messages are kept and for how long.
public struct MemorySettings: Codable, Sendable, Equatable {
    public var windowMessages: Int
    public var ttlSeconds: Int

    public init(windowMessages: Int = 10, ttlSeconds: Int = 7 * 24 * 3600) {
        self.windowMessages = windowMessages
        self.ttlSeconds = ttlSeconds
    }
}

/// One external AI capability: which provider, where, which model, with which secret.
/// `provider` is `builtin` (offline, no key) or `openai` (any OpenAI-compatible API).
public struct ProviderSettings: Codable, Sendable, Equatable {
    public var provider: String
    public var baseURL: String?
    public var model: String?
    public var apiKey: String?

    public init(provider: String = "builtin", baseURL: String? = nil, model: String? = nil, apiKey: String? = nil) {
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
    }
}

/// The AI providers of a company.
public struct AIProviders: Codable, Sendable, Equatable {
    public var llm: ProviderSettings
    public var embeddings: ProviderSettings
    public var transcription: ProviderSettings
    public var vision: ProviderSettings

    public init(llm: ProviderSettings = ProviderSettings(), embeddings: ProviderSettings = ProviderSettings(),
                transcription: ProviderSettings = ProviderSettings(), vision: ProviderSettings = ProviderSettings()) {
        self.llm = llm
        self.embeddings = embeddings
        self.transcription = transcription
        self.vision = vision
    }
}

/// What happens in an emergency: who to tell and whether a human takes over.
public struct EmergencySettings: Codable, Sendable, Equatable {
    public var contact: String?
    public var escalateToHuman: Bool

    public init(contact: String? = nil, escalateToHuman: Bool = true) {
        self.contact = contact
        self.escalateToHuman = escalateToHuman
    }
}

/// The six agents of the conversation system.
public enum AgentKind: String, Codable, Sendable, CaseIterable {
    case router, emergency, sales, support, schedule, availability
}
