import Foundation
import Wire

/// Validates a company against the rules of the product and against the other companies.
///
/// Returns field-level problems (field name → what is wrong); empty means valid. Uniqueness problems are
/// reported separately because they answer 409, not 422. Every number has a range (``Limits``), so code
/// that uses a validated company cannot overflow or trap on any value that passes.
public enum CompanyValidator {
    /// The ranges every number and size of a company must fall in.
    public enum Limits {
        public static let rateLimitPerSecond: ClosedRange<Double> = 0.01...100_000
        public static let maxDocuments: ClosedRange<Int> = 1...10_000_000
        public static let maxConversations: ClosedRange<Int> = 1...100_000_000
        public static let memoryWindow: ClosedRange<Int> = 1...200
        public static let memoryTTLSeconds: ClosedRange<Int> = 60...(366 * 24 * 3600)
        public static let retentionDays: ClosedRange<Int> = 1...3650
        public static let treatmentMinutes: ClosedRange<Int> = 1...(24 * 60)
        public static let treatments = 500
        public static let shortText = 200
        public static let longText = 5_000
        public static let promptCharacters = 20_000
        public static let urlLength = 2_048
        public static let rangesPerDay = 12
        public static let extendedConfigurationBytes = 256 * 1024
    }

    public static let languages: Set<String> = ["es", "en"]
    public static let tiers: Set<String> = ["basic", "professional", "enterprise"]
    public static let weekdays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Problems with the company's own fields.
    public static func fieldProblems(_ company: Company) -> [String: String] {
        var problems: [String: String] = [:]
        let name = company.companyName.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > Limits.shortText { problems["company_name"] = "must be 1–\(Limits.shortText) characters" }
        if company.salesAgentName.isEmpty || company.salesAgentName.count > Limits.shortText {
            problems["sales_agent_name"] = "must be 1–\(Limits.shortText) characters"
        }
        if company.businessType.count > Limits.shortText { problems["business_type"] = "must be at most \(Limits.shortText) characters" }
        if company.services.count > Limits.longText { problems["services"] = "must be at most \(Limits.longText) characters" }
        if !isValidPrefix(company.redisPrefix, id: company.id) {
            problems["redis_prefix"] = "must be '<lowercase letters, digits, _ or ->:' (for example '\(company.id):')"
        }
        if company.vectorstoreIndex.isEmpty || company.vectorstoreIndex.utf8.count > 100
            || !company.vectorstoreIndex.utf8.allSatisfy(isIndexCharacter) {
            problems["vectorstore_index"] = "must be 1–100 lowercase letters, digits and _"
        }
        if TimeZone(identifier: company.timezone) == nil || !company.timezone.contains("/") && company.timezone != "UTC" {
            problems["timezone"] = "must be an IANA time zone such as America/Bogota"
        }
        if !languages.contains(company.language) { problems["language"] = "must be one of es, en" }
        if !Locale.commonISOCurrencyCodes.contains(company.currency) { problems["currency"] = "must be an ISO 4217 code such as COP or EUR" }
        if !tiers.contains(company.subscriptionTier) { problems["subscription_tier"] = "must be one of basic, professional, enterprise" }
        if company.treatmentDurations.count > Limits.treatments {
            problems["treatment_durations"] = "must list at most \(Limits.treatments) treatments"
        }
        for (name, minutes) in company.treatmentDurations {
            if name.isEmpty || name.count > Limits.shortText {
                problems["treatment_durations"] = "treatment names must be 1–\(Limits.shortText) characters"
            } else if !Limits.treatmentMinutes.contains(minutes) {
                problems["treatment_durations.\(name)"] = "must be a whole number of minutes from 1 to 1440"
            }
        }
        if !Limits.maxDocuments.contains(company.maxDocuments) { problems["max_documents"] = "must be from 1 to \(Limits.maxDocuments.upperBound)" }
        if !Limits.maxConversations.contains(company.maxConversations) {
            problems["max_conversations"] = "must be from 1 to \(Limits.maxConversations.upperBound)"
        }
        if let url = company.scheduleServiceURL, !isHTTPURL(url) { problems["schedule_service_url"] = "must be an http(s) URL" }
        if let url = company.chatwoot?.baseURL, !isHTTPURL(url) { problems["chatwoot.base_url"] = "must be an http(s) URL" }
        let statuses: Set<String> = ["open", "pending", "snoozed", "resolved"]
        if let active = company.chatwoot?.botActiveStatuses, active.isEmpty || active.count > 4 || !active.allSatisfy(statuses.contains) {
            problems["chatwoot.bot_active_statuses"] = "must list Chatwoot statuses (open, pending, snoozed, resolved)"
        }
        if let human = company.chatwoot?.humanStatus, !statuses.contains(human) {
            problems["chatwoot.human_status"] = "must be a Chatwoot status (open, pending, snoozed, resolved)"
        } else if let chatwoot = company.chatwoot, chatwoot.effectiveBotActiveStatuses.contains(chatwoot.effectiveHumanStatus) {
            problems["chatwoot.human_status"] = "must not be one of the bot-active statuses (the bot would keep answering after a handoff)"
        }
        for (field, secret) in [("chatwoot.api_access_token", company.chatwoot?.apiAccessToken),
                                ("chatwoot.webhook_secret", company.chatwoot?.webhookSecret)] {
            if let secret, secret.utf8.count > 1_024 { problems[field] = "must be at most 1024 bytes" }
        }
        if let account = company.chatwootAccountID,
           account.isEmpty || account.utf8.count > 18 || !account.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            problems["chatwoot_account_id"] = "must be a number"
        }
        if let memory = company.memory {
            if !Limits.memoryWindow.contains(memory.windowMessages) { problems["memory.window_messages"] = "must be 1–200" }
            if !Limits.memoryTTLSeconds.contains(memory.ttlSeconds) {
                problems["memory.ttl_seconds"] = "must be from 60 seconds to one year"
            }
            if let days = memory.retentionDays, !Limits.retentionDays.contains(days) {
                problems["memory.retention_days"] = "must be 1–3650 days"
            }
        }
        if let providers = company.providers {
            for (name, settings) in providers.byCapability {
                if !["builtin", "openai"].contains(settings.provider) {
                    problems["providers.\(name).provider"] = "must be builtin or openai"
                }
                if let url = settings.baseURL, !isHTTPURL(url) { problems["providers.\(name).base_url"] = "must be an http(s) URL" }
                if let model = settings.model, model.isEmpty || model.count > Limits.shortText {
                    problems["providers.\(name).model"] = "must be 1–\(Limits.shortText) characters"
                }
                if let key = settings.apiKey, key.utf8.count > 1_024 { problems["providers.\(name).api_key"] = "must be at most 1024 bytes" }
                if settings.provider == "openai", settings.baseURL == nil || settings.model == nil {
                    problems["providers.\(name)"] = "an openai provider needs base_url and model"
                }
                if let convention = settings.inputConvention {
                    if name != "embeddings" {
                        problems["providers.\(name).input_convention"] = "applies to embeddings only"
                    } else if !["e5", "input_type", "none"].contains(convention) {
                        problems["providers.\(name).input_convention"] = "must be e5, input_type or none"
                    }
                }
                if let dimensions = settings.dimensions, name != "embeddings" || !(8...8_192).contains(dimensions) {
                    problems["providers.\(name).dimensions"] = name == "embeddings" ? "must be 8–8192" : "applies to embeddings only"
                }
                if let temperature = settings.temperature, name != "llm" || !temperature.isFinite || !(0...2).contains(temperature) {
                    problems["providers.\(name).temperature"] = name == "llm" ? "must be 0–2" : "applies to the language model only"
                }
                if let timeout = settings.timeoutSeconds, !timeout.isFinite || !(0.5...120).contains(timeout) {
                    problems["providers.\(name).timeout_seconds"] = "must be 0.5–120 seconds"
                }
                if settings.routing != nil, name != "llm" { problems["providers.\(name).routing"] = "applies to the language model only" }
            }
        }
        if let booking = company.booking {
            for (field, problem) in bookingProblems(booking, treatments: Set(company.treatmentDurations.keys)) { problems["booking.\(field)"] = problem }
        }
        for (day, ranges) in company.businessHours ?? [:] {
            if !weekdays.contains(day) {
                problems["business_hours.\(day)"] = "is not a weekday"
            } else if ranges.count > Limits.rangesPerDay || !ranges.allSatisfy(isTimeRange) {
                problems["business_hours.\(day)"] = "ranges must look like 09:00-13:30 (at most \(Limits.rangesPerDay) a day)"
            }
        }
        if let rate = company.rateLimitPerSecond, !rate.isFinite || !Limits.rateLimitPerSecond.contains(rate) {
            problems["rate_limit_per_second"] = "must be a number from 0.01 to 100000"
        }
        if let revision = company.revision, revision < 0 { problems["revision"] = "must not be negative" }
        if let emergency = company.emergency?.contact, emergency.count > Limits.shortText {
            problems["emergency.contact"] = "must be at most \(Limits.shortText) characters"
        }
        for (field, prompts) in [("custom_prompts", company.customPrompts), ("default_prompts", company.defaultPrompts)] {
            for (agent, template) in prompts ?? [:] {
                if AgentKind(rawValue: agent) == nil {
                    problems["\(field).\(agent)"] = "is not an agent (router, emergency, sales, support, schedule, availability)"
                } else if template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || template.count > Limits.promptCharacters {
                    problems["\(field).\(agent)"] = "must be 1–\(Limits.promptCharacters) characters"
                } else if field == "custom_prompts", let unknown = PromptPlaceholders.unknown(in: template).first {
                    problems["\(field).\(agent)"] = "uses the unknown placeholder {\(unknown)}"
                }
            }
        }
        for (intent, words) in company.routerKeywords ?? [:] {
            if !["sales", "support", "schedule", "availability"].contains(intent) {
                problems["router_keywords.\(intent)"] = "must be sales, support, schedule or availability (emergencies are detected by the built-in detector)"
            } else if words.count > 200 || words.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > Limits.shortText }) {
                problems["router_keywords.\(intent)"] = "at most 200 words or phrases of 1–\(Limits.shortText) characters"
            }
        }
        for agent in (company.agentsEnabled ?? [:]).keys where AgentKind(rawValue: agent) == nil {
            problems["agents_enabled.\(agent)"] = "is not an agent (router, emergency, sales, support, schedule, availability)"
        }
        if let extended = company.extendedConfiguration, extended.utf8.count > Limits.extendedConfigurationBytes {
            problems["extended_configuration"] = "must be at most 256 KiB"
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

    public static func isValidPrefix(_ prefix: String, id: CompanyID) -> Bool {
        guard prefix.hasSuffix(":"), prefix.utf8.count >= 2, prefix.utf8.count <= 64 else { return false }
        return prefix.utf8.dropLast().allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    public static func isIndexCharacter(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F }

    public static func isHTTPURL(_ text: String) -> Bool {
        guard text.utf8.count <= Limits.urlLength, let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
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

    /// Problems with a company's booking settings (field → what is wrong).
    static func bookingProblems(_ booking: BookingSettings, treatments: Set<String>) -> [String: String] {
        var problems: [String: String] = [:]
        if !(0...240).contains(booking.bufferMinutes) { problems["buffer_minutes"] = "must be 0–240" }
        if !(1...100).contains(booking.capacity) { problems["capacity"] = "must be 1–100" }
        if ![5, 10, 15, 20, 30, 45, 60, 90, 120].contains(booking.slotMinutes) { problems["slot_minutes"] = "must be 5, 10, 15, 20, 30, 45, 60, 90 or 120" }
        if !(0...(30 * 24 * 60)).contains(booking.minimumNoticeMinutes) { problems["minimum_notice_minutes"] = "must be 0 to 30 days in minutes" }
        if !(1...366).contains(booking.horizonDays) { problems["horizon_days"] = "must be 1–366" }
        if !(0...(30 * 24)).contains(booking.cancellationWindowHours) { problems["cancellation_window_hours"] = "must be 0–720" }
        if booking.closedDates.count > 1_000 { problems["closed_dates"] = "at most 1000 dates" }
        if let bad = booking.closedDates.first(where: { !isLocalDate($0) }) { problems["closed_dates"] = "'\(bad.prefix(40))' is not a yyyy-MM-dd date" }
        for (treatment, aliases) in booking.treatmentAliases {
            if !treatments.contains(treatment) {
                problems["treatment_aliases.\(treatment.prefix(60))"] = "is not a treatment of treatment_durations"
            } else if aliases.count > 50 || aliases.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 100 }) {
                problems["treatment_aliases.\(treatment.prefix(60))"] = "at most 50 aliases of 1–100 characters"
            }
        }
        if !["builtin", "human"].contains(booking.scheduleServiceFallback) { problems["schedule_service_fallback"] = "must be builtin or human" }
        if let unknown = booking.requiredPatientFields.first(where: { !BookingSettings.patientFields.contains($0) }) {
            problems["required_patient_fields"] = "'\(unknown.prefix(40))' is not one of \(BookingSettings.patientFields.sorted().joined(separator: ", "))"
        }
        return problems
    }

    /// `yyyy-MM-dd` naming a real day.
    static func isLocalDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1900...2200).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let days = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}
