import Foundation

/// One company's configuration: the schema, defined once.
///
/// The same `Codable` conformance serves every encoding: the companies file and the PostgreSQL `settings`
/// column (the original system's snake_case keys), the admin API's JSON, and Wire's binary payloads. A new
/// field is a property here plus its key (and its default in `init(from:)` when the file may omit it).
///
/// Decoding is lenient the way the original file format is: only `company_id` and `company_name` are
/// required; the rest take the defaults below (`redis_prefix` defaults to `<id>:`), and
/// `chatwoot_account_id` may be written as a number or a string. Services other than the config service
/// receive companies with every secret replaced by ``Company/maskedSecret`` (see `CompanySecrets`).
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
    /// Chatwoot connection (its token and webhook secret are secrets).
    public var chatwoot: ChatwootSettings?
    public var memory: MemorySettings?
    public var providers: AIProviders?
    /// Weekday (`monday`…`sunday`) → opening ranges such as `09:00-13:00`.
    public var businessHours: [String: [String]]?
    public var emergency: EmergencySettings?
    /// How the company takes appointments (nil: the defaults of ``BookingSettings``).
    public var booking: BookingSettings?
    /// Requests per second allowed for this company, overriding its tier's default.
    public var rateLimitPerSecond: Double?
    /// Agents switched off for this company (all are on unless listed here as false).
    public var agentsEnabled: [String: Bool]?
    /// Increases with every change; the HTTP API exposes it as the `ETag`.
    public var revision: Int?
    /// Agent (`AgentKind` raw value) → prompt template set for this company through the admin API.
    public var customPrompts: [String: String]?
    /// Agent → the company's default prompt template (from `custom_prompts.json`).
    public var defaultPrompts: [String: String]?
    /// The company's entry of `extended_companies_config.json` (booking rules per treatment, agendas,
    /// required booking fields, integration type), as a JSON object text, for the booking agents.
    public var extendedConfiguration: String?
    /// Intent (`sales`, `support`, `schedule`, `availability`) → the company's own words for it (treatment
    /// brands, local expressions) that the router counts as that intent. Emergencies are detected by the
    /// built-in detector only.
    public var routerKeywords: [String: [String]]?

    /// The placeholder that stands for a secret outside the config service; sent back in an update it
    /// keeps the stored value.
    public static let maskedSecret = "***"

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id = "company_id", companyName = "company_name", businessType = "business_type"
        case redisPrefix = "redis_prefix", vectorstoreIndex = "vectorstore_index"
        case scheduleServiceURL = "schedule_service_url", salesAgentName = "sales_agent_name", services
        case treatmentDurations = "treatment_durations", chatwootAccountID = "chatwoot_account_id"
        case timezone, language, currency, subscriptionTier = "subscription_tier", maxDocuments = "max_documents"
        case maxConversations = "max_conversations", isActive = "is_active", createdAt = "created_at"
        case updatedAt = "updated_at", chatwoot, memory, providers, businessHours = "business_hours", emergency
        case rateLimitPerSecond = "rate_limit_per_second", agentsEnabled = "agents_enabled", revision
        case customPrompts = "custom_prompts", defaultPrompts = "default_prompts"
        case extendedConfiguration = "extended_configuration", booking, routerKeywords = "router_keywords"
    }

    public init(
        id: CompanyID, companyName: String, businessType: String = "general", redisPrefix: String? = nil,
        vectorstoreIndex: String? = nil, scheduleServiceURL: String? = nil, salesAgentName: String? = nil,
        services: String = "", treatmentDurations: [String: Int] = [:], chatwootAccountID: String? = nil,
        timezone: String = "America/Bogota", language: String = "es", currency: String = "COP",
        subscriptionTier: String = "basic", maxDocuments: Int = 1_000, maxConversations: Int = 10_000,
        isActive: Bool = true, createdAt: Date? = nil, updatedAt: Date? = nil
    ) {
        self.id = id
        self.companyName = companyName
        self.businessType = businessType
        self.redisPrefix = redisPrefix ?? "\(id.rawValue):"
        self.vectorstoreIndex = vectorstoreIndex ?? Self.defaultIndex(for: id)
        self.scheduleServiceURL = scheduleServiceURL
        self.salesAgentName = salesAgentName ?? companyName
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

    /// `<id>_documents` with `-` turned into `_` (the original's index naming).
    public static func defaultIndex(for id: CompanyID) -> String {
        "\(id.rawValue.replacingOccurrences(of: "-", with: "_"))_documents"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.decode(CompanyID.self, forKey: .id)
        let name = try c.decode(String.self, forKey: .companyName)
        self.init(
            id: id, companyName: name, businessType: try c.decodeIfPresent(String.self, forKey: .businessType) ?? "general",
            redisPrefix: try c.decodeIfPresent(String.self, forKey: .redisPrefix),
            vectorstoreIndex: try c.decodeIfPresent(String.self, forKey: .vectorstoreIndex),
            scheduleServiceURL: try c.decodeIfPresent(String.self, forKey: .scheduleServiceURL),
            salesAgentName: try c.decodeIfPresent(String.self, forKey: .salesAgentName),
            services: try c.decodeIfPresent(String.self, forKey: .services) ?? "",
            treatmentDurations: try c.decodeIfPresent([String: Int].self, forKey: .treatmentDurations) ?? [:],
            chatwootAccountID: try Self.decodeNumberOrString(c, .chatwootAccountID),
            timezone: try c.decodeIfPresent(String.self, forKey: .timezone) ?? "America/Bogota",
            language: try c.decodeIfPresent(String.self, forKey: .language) ?? "es",
            currency: try c.decodeIfPresent(String.self, forKey: .currency) ?? "COP",
            subscriptionTier: try c.decodeIfPresent(String.self, forKey: .subscriptionTier) ?? "basic",
            maxDocuments: try c.decodeIfPresent(Int.self, forKey: .maxDocuments) ?? 1_000,
            maxConversations: try c.decodeIfPresent(Int.self, forKey: .maxConversations) ?? 10_000,
            isActive: try c.decodeIfPresent(Bool.self, forKey: .isActive) ?? true,
            createdAt: try c.decodeIfPresent(Date.self, forKey: .createdAt),
            updatedAt: try c.decodeIfPresent(Date.self, forKey: .updatedAt))
        chatwoot = try c.decodeIfPresent(ChatwootSettings.self, forKey: .chatwoot)
        memory = try c.decodeIfPresent(MemorySettings.self, forKey: .memory)
        providers = try c.decodeIfPresent(AIProviders.self, forKey: .providers)
        businessHours = try c.decodeIfPresent([String: [String]].self, forKey: .businessHours)
        emergency = try c.decodeIfPresent(EmergencySettings.self, forKey: .emergency)
        booking = try c.decodeIfPresent(BookingSettings.self, forKey: .booking)
        rateLimitPerSecond = try c.decodeIfPresent(Double.self, forKey: .rateLimitPerSecond)
        agentsEnabled = try c.decodeIfPresent([String: Bool].self, forKey: .agentsEnabled)
        revision = try c.decodeIfPresent(Int.self, forKey: .revision) ?? 1
        customPrompts = try c.decodeIfPresent([String: String].self, forKey: .customPrompts)
        defaultPrompts = try c.decodeIfPresent([String: String].self, forKey: .defaultPrompts)
        extendedConfiguration = try c.decodeIfPresent(String.self, forKey: .extendedConfiguration)
        routerKeywords = try c.decodeIfPresent([String: [String]].self, forKey: .routerKeywords)
    }

    /// A value the file may write as `7` or `"7"`.
    private static func decodeNumberOrString(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String? {
        guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
        if let text = try? c.decode(String.self, forKey: key) { return text }
        return String(try c.decode(Int.self, forKey: key))
    }
}
