import Foundation
import HTTPServerCore
import Wire
import WireRPC

/// Chatwoot's webhook: a public route whose authentication is the delivery's signature, checked by the
/// agent service with the company's secret (the gateway never holds it).
///
/// The gateway finds the company: from the account (`account.id`, else `conversation.account_id`, else
/// `account_id`) through the config service, or from the per-company URL for Chatwoot versions whose
/// events carry no account. A URL company or a `conversation.meta.company_id` that disagrees with the
/// account's is a 400; an account no company has is a 404. It then hands the raw body and the signature
/// headers to `agent/acceptWebhook`, which answers once the event is stored.
enum WebhookRoutes {
    static let bodyLimit = 256 << 10

    static func register(on router: inout Router<GatewayRoute>, companies: CompanyCache, upstream: UpstreamCaller) {
        for path in ["/api/webhook/chatwoot", "/api/webhook/chatwoot/{company_id}"] {
            router.add("POST", path, GatewayRoute(access: .public, bodyLimit: bodyLimit, timeout: .seconds(4)) { request, context in
                try await accept(request, context: context, companies: companies, upstream: upstream)
            })
        }
    }

    static func accept(_ request: HTTPRequest, context: GatewayContext, companies: CompanyCache, upstream: UpstreamCaller) async throws -> HTTPResponse {
        let body = request.body
        let payload: JSONValue = try await offEventLoop(bodyBytes: body.count) { () throws(HTTPError) -> JSONValue in
            do throws(JSONParser.Failure) {
                return try JSONParser.parse(body)
            } catch {
                throw HTTPError(status: 400, code: "malformed_json", message: "The webhook body is not valid JSON (byte \(error.offset): \(error.reason)).")
            }
        }
        guard case .object(let root) = payload else {
            throw HTTPError(status: 400, code: "invalid_payload", message: "The webhook body must be a JSON object.")
        }
        var urlCompany: CompanyID?
        if let text = context.parameters["company_id"] {
            guard let id = CompanyID(text) else { throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.") }
            urlCompany = id
        }
        let account = accountID(root)
        let companyID: CompanyID
        if let account {
            let resolved = try await company(ofAccount: account, context: context, upstream: upstream)
            if let urlCompany, urlCompany != resolved {
                throw HTTPError(status: 400, code: "company_mismatch",
                                message: "Chatwoot account '\(account)' belongs to another company than the URL's '\(urlCompany)'.")
            }
            companyID = resolved
        } else if let urlCompany {
            companyID = urlCompany
        } else {
            throw HTTPError(status: 400, code: "missing_account",
                            message: "The event names no Chatwoot account (account.id or conversation.account_id); use /api/webhook/chatwoot/{company_id}.")
        }
        if let claimed = root["conversation"]?["meta"]?["company_id"]?.stringValue, claimed != companyID.rawValue {
            throw HTTPError(status: 400, code: "company_mismatch",
                            message: "conversation.meta.company_id '\(claimed.prefix(64))' disagrees with the account's company '\(companyID)'.")
        }
        let company = try await upstream.run(.config, context: context) { try await companies.company(companyID, metadata: context.wireMetadata) }
        guard let company, company.isActive else {
            throw HTTPError(status: 404, code: "unknown_company", message: "Company '\(companyID)' does not exist.")
        }
        var scoped = context
        scoped.company = company
        let headers = request.headers
        let answer = try await upstream.call(
            .agent, AgentAPI.acceptWebhook,
            AcceptWebhookRequest(companyID: company.id, accountID: account ?? company.chatwootAccountID ?? "", body: body,
                                 signature: headers["X-Chatwoot-Signature"], timestamp: headers["X-Chatwoot-Timestamp"],
                                 deliveryID: headers["X-Chatwoot-Delivery"].map { String($0.prefix(128)) }),
            context: scoped)
        var members: [String: JSONValue] = [
            "status": .string(answer.status), "company_id": .string(company.id.rawValue), "event_id": answer.eventID.map { .string($0) } ?? .null,
        ]
        if let reason = answer.reason { members["reason"] = .string(reason) }
        return .json(200, JSONValue.object(members).serialized())
    }

    /// The company the config service maps the account to (404 `unknown_account` when none).
    static func company(ofAccount account: String, context: GatewayContext, upstream: UpstreamCaller) async throws(HTTPError) -> CompanyID {
        do {
            return try await upstream.call(.config, ConfigAPI.resolveChatwootAccount, ResolveChatwootAccountRequest(accountID: account), context: context)
                .companyID
        } catch {
            guard error.status == 404 else { throw error }
            throw HTTPError(status: 404, code: "unknown_account", message: "No company is configured for Chatwoot account '\(account)'.")
        }
    }

    /// The account id as a string of digits, from wherever the event's shape has it.
    static func accountID(_ root: [String: JSONValue]) -> String? {
        for candidate in [root["account"]?["id"], root["conversation"]?["account_id"], root["account_id"]] {
            switch candidate {
            case .number(let value)? where value >= 0 && value < 1e15 && value.rounded() == value: return String(Int(value))
            case .string(let text)? where !text.isEmpty && text.utf8.count <= 18 && text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }): return text
            default: continue
            }
        }
        return nil
    }
}
