import CompanyModel
import Foundation
import HTTPServerCore
import Wire

/// JSON views of a company, all derived from the company schema's own encoding (snake_case keys), so a
/// new field needs no code here unless it belongs in the public view.
enum CompanyJSON {
    /// The fields anyone may see when the public directory is on: what a patient-facing site shows.
    static let publicFields: Set<String> = [
        "company_id", "company_name", "business_type", "services", "sales_agent_name", "timezone", "language",
        "currency", "is_active", "treatment_durations",
    ]

    /// The fields of the admin listing (no prompts, hours or provider settings: those are in the full view).
    static let summaryFields: Set<String> = publicFields.union([
        "subscription_tier", "redis_prefix", "vectorstore_index", "schedule_service_url", "chatwoot_account_id",
        "max_documents", "max_conversations", "revision", "created_at", "updated_at",
    ])

    /// The whole company, secrets masked: what the admin API returns and accepts back.
    static func full(_ company: Company) -> JSONValue {
        guard let data = try? CompanyJSONCoding.encoder().encode(company.maskingSecrets),
              let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return .null }
        return value
    }

    /// Only `fields` of the full view.
    static func view(_ company: Company, fields: Set<String>) -> JSONValue {
        guard case .object(let all) = full(company) else { return .null }
        return .object(all.filter { fields.contains($0.key) })
    }

    static func publicView(_ company: Company) -> JSONValue { view(company, fields: publicFields) }
    static func summary(_ company: Company) -> JSONValue { view(company, fields: summaryFields) }

    /// `{"status":"success", ...members}`.
    static func success(_ members: [String: JSONValue], status: Int = 200) -> HTTPResponse {
        var body = members
        body["status"] = .string("success")
        return .json(status, JSONValue.object(body).serialized())
    }
}
