import HTTPServerCore
import Wire

/// JSON views of a company, with the original system's snake_case field names.
enum CompanyJSON {
    /// What anyone may see: no internal storage names, no credentials.
    static func publicView(_ company: Company) -> JSONValue {
        var fields: [String: JSONValue] = [
            "company_id": .string(company.id.rawValue),
            "company_name": .string(company.companyName),
            "business_type": .string(company.businessType),
            "services": .string(company.services),
            "sales_agent_name": .string(company.salesAgentName),
            "timezone": .string(company.timezone),
            "language": .string(company.language),
            "currency": .string(company.currency),
            "is_active": .bool(company.isActive),
            "treatment_durations": .object(company.treatmentDurations.mapValues { .number(Double($0)) }),
        ]
        fields["subscription_tier"] = .string(company.subscriptionTier)
        return .object(fields)
    }

    /// What operators see: everything except secrets.
    static func adminView(_ company: Company) -> JSONValue {
        guard case .object(var fields) = publicView(company) else { return publicView(company) }
        fields["redis_prefix"] = .string(company.redisPrefix)
        fields["vectorstore_index"] = .string(company.vectorstoreIndex)
        fields["schedule_service_url"] = company.scheduleServiceURL.map(JSONValue.string) ?? .null
        fields["chatwoot_account_id"] = company.chatwootAccountID.map(JSONValue.string) ?? .null
        fields["max_documents"] = .number(Double(company.maxDocuments))
        fields["max_conversations"] = .number(Double(company.maxConversations))
        return .object(fields)
    }

    /// `{"status":"success", ...members}`.
    static func success(_ members: [String: JSONValue], status: Int = 200) -> HTTPResponse {
        var body = members
        body["status"] = .string("success")
        return .json(status, JSONValue.object(body).serialized())
    }
}
