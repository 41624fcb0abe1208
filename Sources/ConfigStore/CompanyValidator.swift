import Foundation
import Wire

/// Validates a company against the rules of the product and against the other companies.
///
/// Returns field-level problems (field name → what is wrong); empty means valid. Uniqueness problems are
/// reported separately because they answer 409, not 422.
public enum CompanyValidator {
    public static let languages: Set<String> = ["es", "en"]
    public static let tiers: Set<String> = ["basic", "professional", "enterprise"]
    public static let weekdays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Problems with the company's own fields.
    public static func fieldProblems(_ company: Company) -> [String: String] {
        var problems: [String: String] = [:]
        if company.companyName.trimmingCharacters(in: .whitespaces).isEmpty { problems["company_name"] = "must not be empty" }
        if !isValidPrefix(company.redisPrefix, id: company.id) {
            problems["redis_prefix"] = "must be '<lowercase letters, digits, _ or ->:' (for example '\(company.id):')"
        }
        if company.vectorstoreIndex.isEmpty || !company.vectorstoreIndex.utf8.allSatisfy(isIndexCharacter) {
            problems["vectorstore_index"] = "must be lowercase letters, digits and _"
        }
        if TimeZone(identifier: company.timezone) == nil || !company.timezone.contains("/") && company.timezone != "UTC" {
            problems["timezone"] = "must be an IANA time zone such as America/Bogota"
        }
        if !languages.contains(company.language) { problems["language"] = "must be one of es, en" }
        if !Locale.commonISOCurrencyCodes.contains(company.currency) { problems["currency"] = "must be an ISO 4217 code such as COP or EUR" }
        if !tiers.contains(company.subscriptionTier) { problems["subscription_tier"] = "must be one of basic, professional, enterprise" }
        for (name, minutes) in company.treatmentDurations where minutes <= 0 || minutes > 24 * 60 {
            problems["treatment_durations.\(name)"] = "must be a positive number of minutes (at most 1440)"
        }
        if company.maxDocuments <= 0 { problems["max_documents"] = "must be positive" }
        if company.maxConversations <= 0 { problems["max_conversations"] = "must be positive" }
        if let url = company.scheduleServiceURL, !isHTTPURL(url) { problems["schedule_service_url"] = "must be an http(s) URL" }
        if let url = company.chatwoot?.baseURL, !isHTTPURL(url) { problems["chatwoot.base_url"] = "must be an http(s) URL" }
        if let statuses = company.chatwoot?.botActiveStatuses,
           statuses.isEmpty || !statuses.allSatisfy({ ["open", "pending", "snoozed", "resolved"].contains($0) }) {
            problems["chatwoot.bot_active_statuses"] = "must list Chatwoot statuses (open, pending, snoozed, resolved)"
        }
        if let account = company.chatwootAccountID, account.isEmpty || !account.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            problems["chatwoot_account_id"] = "must be a number"
        }
        if let memory = company.memory {
            if memory.windowMessages < 1 || memory.windowMessages > 200 { problems["memory.window_messages"] = "must be 1–200" }
            if memory.ttlSeconds < 60 { problems["memory.ttl_seconds"] = "must be at least 60" }
        }
        if let providers = company.providers {
            for (name, settings) in [("llm", providers.llm), ("embeddings", providers.embeddings),
                                     ("transcription", providers.transcription), ("vision", providers.vision)] {
                if !["builtin", "openai"].contains(settings.provider) {
                    problems["providers.\(name).provider"] = "must be builtin or openai"
                }
                if let url = settings.baseURL, !isHTTPURL(url) { problems["providers.\(name).base_url"] = "must be an http(s) URL" }
            }
        }
        for (day, ranges) in company.businessHours ?? [:] {
            if !weekdays.contains(day) { problems["business_hours.\(day)"] = "is not a weekday" }
            if !ranges.allSatisfy(isTimeRange) { problems["business_hours.\(day)"] = "ranges must look like 09:00-13:30" }
        }
        if let rate = company.rateLimitPerSecond, rate <= 0 { problems["rate_limit_per_second"] = "must be positive" }
        for (agent, template) in company.customPrompts ?? [:] {
            if AgentKind(rawValue: agent) == nil {
                problems["custom_prompts.\(agent)"] = "is not an agent (router, emergency, sales, support, schedule, availability)"
            } else if template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || template.count > 20_000 {
                problems["custom_prompts.\(agent)"] = "must be 1–20000 characters"
            } else if let unknown = PromptCatalog.unknownPlaceholders(in: template).first {
                problems["custom_prompts.\(agent)"] = "uses the unknown placeholder {\(unknown)}"
            }
        }
        for agent in (company.agentsEnabled ?? [:]).keys where AgentKind(rawValue: agent) == nil {
            problems["agents_enabled.\(agent)"] = "is not an agent (router, emergency, sales, support, schedule, availability)"
        }
        return problems
    }

    /// Values that must be unique across companies and are already taken by another one.
    public static func conflicts(_ company: Company, among others: [Company]) -> [String: String] {
        var problems: [String: String] = [:]
        for other in others where other.id != company.id {
            if other.redisPrefix == company.redisPrefix || other.redisPrefix.hasPrefix(company.redisPrefix)
                || company.redisPrefix.hasPrefix(other.redisPrefix) {
                problems["redis_prefix"] = "overlaps the prefix of \(other.id)"
            }
            if other.vectorstoreIndex == company.vectorstoreIndex {
                problems["vectorstore_index"] = "is already used by \(other.id)"
            }
            if let account = company.chatwootAccountID, other.chatwootAccountID == account {
                problems["chatwoot_account_id"] = "is already used by \(other.id)"
            }
        }
        return problems
    }

    static func isValidPrefix(_ prefix: String, id: CompanyID) -> Bool {
        guard prefix.hasSuffix(":"), prefix.utf8.count >= 2 else { return false }
        return prefix.utf8.dropLast().allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    static func isIndexCharacter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        return scheme == "http" || scheme == "https"
    }

    static func isTimeRange(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 2 else { return false }
        func minutes(_ part: Substring) -> Int? {
            let hm = part.split(separator: ":")
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
            return h * 60 + m
        }
        guard let start = minutes(parts[0]), let end = minutes(parts[1]) else { return false }
        return start < end
    }
}
