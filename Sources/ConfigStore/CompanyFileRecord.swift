import Foundation
import Wire

/// One company as written in `companies_config.json`: the original system's format (snake_case keys) plus
/// the fields this product adds. Reads the seed's files as they are; writes every field back.
public struct CompanyFileRecord: Codable, Sendable {
    var companyName: String
    var businessType: String?
    var redisPrefix: String?
    var vectorstoreIndex: String?
    var scheduleServiceURL: String?
    var salesAgentName: String?
    var services: String?
    var treatmentDurations: [String: Int]?
    var chatwootAccountID: FlexibleString?
    var timezone: String?
    var language: String?
    var currency: String?
    var subscriptionTier: String?
    var maxDocuments: Int?
    var maxConversations: Int?
    var isActive: Bool?
    var createdAt: Date?
    var updatedAt: Date?
    var revision: Int?
    var chatwoot: ChatwootRecord?
    var memory: MemoryRecord?
    var providers: [String: ProviderRecord]?
    var businessHours: [String: [String]]?
    var emergency: EmergencyRecord?
    var rateLimitPerSecond: Double?
    var agentsEnabled: [String: Bool]?
    var customPrompts: [String: String]?
    var defaultPrompts: [String: String]?
    var extendedConfiguration: String?
    var apiKeys: [APIKeyFileRecord]?

    enum CodingKeys: String, CodingKey {
        case companyName = "company_name", businessType = "business_type", redisPrefix = "redis_prefix"
        case vectorstoreIndex = "vectorstore_index", scheduleServiceURL = "schedule_service_url"
        case salesAgentName = "sales_agent_name", services, treatmentDurations = "treatment_durations"
        case chatwootAccountID = "chatwoot_account_id", timezone, language, currency
        case subscriptionTier = "subscription_tier", maxDocuments = "max_documents"
        case maxConversations = "max_conversations", isActive = "is_active", createdAt = "created_at"
        case updatedAt = "updated_at", revision, chatwoot, memory, providers, businessHours = "business_hours"
        case emergency, rateLimitPerSecond = "rate_limit_per_second", agentsEnabled = "agents_enabled"
        case customPrompts = "custom_prompts", defaultPrompts = "default_prompts"
        case extendedConfiguration = "extended_configuration"
        case apiKeys = "api_keys"
    }

    struct ChatwootRecord: Codable, Sendable {
        var baseURL: String?
        var apiAccessToken: String?
        var webhookSecret: String?
        var botActiveStatuses: [String]?
        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url", apiAccessToken = "api_access_token", webhookSecret = "webhook_secret"
            case botActiveStatuses = "bot_active_statuses"
        }
    }

    struct MemoryRecord: Codable, Sendable {
        var windowMessages: Int?
        var ttlSeconds: Int?
        enum CodingKeys: String, CodingKey { case windowMessages = "window_messages", ttlSeconds = "ttl_seconds" }
    }

    struct ProviderRecord: Codable, Sendable {
        var provider: String?
        var baseURL: String?
        var model: String?
        var apiKey: String?
        enum CodingKeys: String, CodingKey { case provider, baseURL = "base_url", model, apiKey = "api_key" }
    }

    struct EmergencyRecord: Codable, Sendable {
        var contact: String?
        var escalateToHuman: Bool?
        enum CodingKeys: String, CodingKey { case contact, escalateToHuman = "escalate_to_human" }
    }

    /// The company this record describes.
    public func company(id: CompanyID) -> Company {
        var company = Company(
            id: id, companyName: companyName, businessType: businessType ?? "general",
            redisPrefix: redisPrefix ?? "\(id.rawValue):", vectorstoreIndex: vectorstoreIndex ?? "\(id.rawValue.replacingOccurrences(of: "-", with: "_"))_documents",
            scheduleServiceURL: scheduleServiceURL, salesAgentName: salesAgentName ?? companyName,
            services: services ?? "", treatmentDurations: treatmentDurations ?? [:],
            chatwootAccountID: chatwootAccountID?.value, timezone: timezone ?? "America/Bogota",
            language: language ?? "es", currency: currency ?? "COP", subscriptionTier: subscriptionTier ?? "basic",
            maxDocuments: maxDocuments ?? 1_000, maxConversations: maxConversations ?? 10_000, isActive: isActive ?? true,
            createdAt: createdAt, updatedAt: updatedAt)
        company.revision = revision ?? 1
        if let chatwoot {
            company.chatwoot = ChatwootSettings(baseURL: chatwoot.baseURL, apiAccessToken: chatwoot.apiAccessToken,
                                                webhookSecret: chatwoot.webhookSecret,
                                                botActiveStatuses: chatwoot.botActiveStatuses ?? ["open"])
        }
        if let memory {
            company.memory = MemorySettings(windowMessages: memory.windowMessages ?? 10, ttlSeconds: memory.ttlSeconds ?? 604_800)
        }
        if let providers {
            func settings(_ name: String) -> ProviderSettings {
                guard let record = providers[name] else { return ProviderSettings() }
                return ProviderSettings(provider: record.provider ?? "builtin", baseURL: record.baseURL, model: record.model,
                                        apiKey: record.apiKey)
            }
            company.providers = AIProviders(llm: settings("llm"), embeddings: settings("embeddings"),
                                            transcription: settings("transcription"), vision: settings("vision"))
        }
        company.businessHours = businessHours
        if let emergency {
            company.emergency = EmergencySettings(contact: emergency.contact, escalateToHuman: emergency.escalateToHuman ?? true)
        }
        company.rateLimitPerSecond = rateLimitPerSecond
        company.agentsEnabled = agentsEnabled
        company.customPrompts = customPrompts
        company.defaultPrompts = defaultPrompts
        company.extendedConfiguration = extendedConfiguration
        return company
    }

    /// The record of `company` with its stored API keys.
    public init(company: Company, apiKeys: [APIKeyFileRecord]) {
        companyName = company.companyName
        businessType = company.businessType
        redisPrefix = company.redisPrefix
        vectorstoreIndex = company.vectorstoreIndex
        scheduleServiceURL = company.scheduleServiceURL
        salesAgentName = company.salesAgentName
        services = company.services
        treatmentDurations = company.treatmentDurations
        chatwootAccountID = company.chatwootAccountID.map(FlexibleString.init(value:))
        timezone = company.timezone
        language = company.language
        currency = company.currency
        subscriptionTier = company.subscriptionTier
        maxDocuments = company.maxDocuments
        maxConversations = company.maxConversations
        isActive = company.isActive
        createdAt = company.createdAt
        updatedAt = company.updatedAt
        revision = company.revision
        chatwoot = company.chatwoot.map {
            ChatwootRecord(baseURL: $0.baseURL, apiAccessToken: $0.apiAccessToken, webhookSecret: $0.webhookSecret,
                           botActiveStatuses: $0.botActiveStatuses)
        }
        memory = company.memory.map { MemoryRecord(windowMessages: $0.windowMessages, ttlSeconds: $0.ttlSeconds) }
        providers = company.providers.map { providers in
            var map: [String: ProviderRecord] = [:]
            for (name, settings) in [("llm", providers.llm), ("embeddings", providers.embeddings),
                                     ("transcription", providers.transcription), ("vision", providers.vision)] {
                map[name] = ProviderRecord(provider: settings.provider, baseURL: settings.baseURL, model: settings.model,
                                           apiKey: settings.apiKey)
            }
            return map
        }
        businessHours = company.businessHours
        emergency = company.emergency.map { EmergencyRecord(contact: $0.contact, escalateToHuman: $0.escalateToHuman) }
        rateLimitPerSecond = company.rateLimitPerSecond
        agentsEnabled = company.agentsEnabled
        customPrompts = company.customPrompts
        defaultPrompts = company.defaultPrompts
        extendedConfiguration = company.extendedConfiguration
        self.apiKeys = apiKeys.isEmpty ? nil : apiKeys
    }
}

/// An API key as stored: never the key itself, only its SHA-256.
public struct APIKeyFileRecord: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var sha256: String
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, sha256, createdAt = "created_at"
    }

    public init(id: String, name: String, sha256: String, createdAt: String?) {
        self.id = id
        self.name = name
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}

/// A JSON value that may be written as a string or a number (`"chatwoot_account_id": 7` or `"7"`).
struct FlexibleString: Codable, Sendable {
    var value: String

    init(value: String) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else {
            value = String(try container.decode(Int.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
