import Foundation
import Wire

/// One company as written in `companies_config.json` (the original system's format, snake_case keys),
/// plus the fields this product adds (`api_keys`, `subscription_tier`, `is_active`...).
struct CompanyFileRecord: Codable {
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
    var apiKeys: [APIKeyFileRecord]?

    enum CodingKeys: String, CodingKey {
        case companyName = "company_name", businessType = "business_type", redisPrefix = "redis_prefix"
        case vectorstoreIndex = "vectorstore_index", scheduleServiceURL = "schedule_service_url"
        case salesAgentName = "sales_agent_name", services, treatmentDurations = "treatment_durations"
        case chatwootAccountID = "chatwoot_account_id", timezone, language, currency
        case subscriptionTier = "subscription_tier", maxDocuments = "max_documents"
        case maxConversations = "max_conversations", isActive = "is_active", apiKeys = "api_keys"
    }

    func company(id: CompanyID) -> Company {
        Company(
            id: id, companyName: companyName, businessType: businessType ?? "general",
            redisPrefix: redisPrefix ?? "\(id.rawValue):", vectorstoreIndex: vectorstoreIndex ?? "\(id.rawValue)_documents",
            scheduleServiceURL: scheduleServiceURL, salesAgentName: salesAgentName ?? companyName,
            services: services ?? "", treatmentDurations: treatmentDurations ?? [:],
            chatwootAccountID: chatwootAccountID?.value, timezone: timezone ?? "America/Bogota",
            language: language ?? "es", currency: currency ?? "COP", subscriptionTier: subscriptionTier ?? "basic",
            maxDocuments: maxDocuments ?? 1_000, maxConversations: maxConversations ?? 10_000, isActive: isActive ?? true)
    }
}

/// An API key as stored: never the key itself, only its SHA-256.
struct APIKeyFileRecord: Codable {
    var id: String
    var name: String
    var sha256: String
    var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, sha256, createdAt = "created_at"
    }
}

/// A JSON value that may be written as a string or a number (`"chatwoot_account_id": 7` or `"7"`).
struct FlexibleString: Codable {
    var value: String

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
