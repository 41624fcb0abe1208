import Foundation

/// One company's configuration, as the config service serves it.
///
/// Secrets never travel in this type: API keys are verified by the config service itself, and later
/// issues add credentials as write-only fields.
public struct Company: Codable, Sendable, Equatable {
    public var id: CompanyID
    public var companyName: String
    public var businessType: String
    public var redisPrefix: String
    public var vectorstoreIndex: String
    public var scheduleServiceURL: String?
    public var salesAgentName: String
    public var services: String
    /// Treatment name → duration in minutes.
    public var treatmentDurations: [String: Int]
    public var chatwootAccountID: String?
    public var timezone: String
    public var language: String
    public var currency: String
    /// `basic`, `professional` or `enterprise`; selects rate limits and quotas.
    public var subscriptionTier: String
    public var maxDocuments: Int
    public var maxConversations: Int
    public var isActive: Bool
    public var createdAt: Date?
    public var updatedAt: Date?
    /// Chatwoot connection (secrets included; never returned by the HTTP API).
    public var chatwoot: ChatwootSettings?
    public var memory: MemorySettings?
    public var providers: AIProviders?
    /// Weekday (`monday`…`sunday`) → opening ranges such as `09:00-13:00`.
    public var businessHours: [String: [String]]?
    public var emergency: EmergencySettings?
    /// Requests per second allowed for this company, overriding its tier's default.
    public var rateLimitPerSecond: Double?
    /// Agents switched off for this company (all are on unless listed here as false).
    public var agentsEnabled: [String: Bool]?
    /// Increases with every change; the HTTP API exposes it as the `ETag`.
    public var revision: Int?
    /// Agent (`AgentKind` raw value) → prompt template set for this company through the admin API.
    public var customPrompts: [String: String]?
    /// Agent → the company's default prompt template (from `custom_prompts.json`); see ``PromptCatalog``.
    public var defaultPrompts: [String: String]?
    /// The company's entry of `extended_companies_config.json` (booking rules per treatment, agendas,
    /// required booking fields, integration type), as a JSON object text, for the booking agents.
    public var extendedConfiguration: String?

    public init(
        id: CompanyID, companyName: String, businessType: String = "general", redisPrefix: String,
        vectorstoreIndex: String, scheduleServiceURL: String? = nil, salesAgentName: String, services: String,
        treatmentDurations: [String: Int] = [:], chatwootAccountID: String? = nil, timezone: String = "America/Bogota",
        language: String = "es", currency: String = "COP", subscriptionTier: String = "basic",
        maxDocuments: Int = 1_000, maxConversations: Int = 10_000, isActive: Bool = true,
        createdAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.id = id
        self.companyName = companyName
        self.businessType = businessType
        self.redisPrefix = redisPrefix
        self.vectorstoreIndex = vectorstoreIndex
        self.scheduleServiceURL = scheduleServiceURL
        self.salesAgentName = salesAgentName
        self.services = services
        self.treatmentDurations = treatmentDurations
        self.chatwootAccountID = chatwootAccountID
        self.timezone = timezone
        self.language = language
        self.currency = currency
        self.subscriptionTier = subscriptionTier
        self.maxDocuments = maxDocuments
        self.maxConversations = maxConversations
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
