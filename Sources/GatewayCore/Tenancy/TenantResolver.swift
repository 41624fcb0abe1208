import HTTPServerCore
import Wire

/// Decides which company a tenant-scoped request is for.
///
/// Sources, in order: the `X-Company-ID` header, the `company_id` query parameter, `company_id` in a JSON
/// body. Two sources that disagree are a 400 `tenant_conflict`; none is a 400 `company_id_required` unless a
/// default company is configured; a malformed id is a 400 `invalid_company_id`. Credentials bound to one
/// company supply it when the request names none.
public struct TenantResolver: Sendable {
    public var defaultCompany: CompanyID?

    public init(defaultCompany: CompanyID?) { self.defaultCompany = defaultCompany }

    /// The requested company id.
    public func requestedCompany(in request: HTTPRequest, boundTo principal: Principal) throws(HTTPError) -> CompanyID {
        var candidates: [(source: String, value: String)] = []
        if let header = request.headers["X-Company-ID"] { candidates.append(("X-Company-ID header", header)) }
        for value in request.queryValues("company_id") { candidates.append(("company_id query parameter", value)) }
        if JSONBody.isJSON(request), let body = JSONBody.value(of: request), let value = body["company_id"] {
            guard let text = value.stringValue else {
                throw HTTPError(status: 400, code: "invalid_company_id", message: "company_id in the body must be a string.")
            }
            candidates.append(("company_id in the body", text))
        }
        if let first = candidates.first {
            for other in candidates.dropFirst() where other.value != first.value {
                throw HTTPError(
                    status: 400, code: "tenant_conflict",
                    message: "The \(first.source) ('\(first.value)') and the \(other.source) ('\(other.value)') disagree.",
                    details: ["sources": .array(candidates.map { .string($0.source) })])
            }
            guard let id = CompanyID(first.value) else {
                throw HTTPError(status: 400, code: "invalid_company_id",
                                message: "'\(first.value.prefix(64))' is not a valid company id.")
            }
            return id
        }
        if let bound = principal.boundCompany { return bound }
        if let defaultCompany { return defaultCompany }
        throw HTTPError(status: 400, code: "company_id_required",
                        message: "This endpoint needs a company: send the X-Company-ID header or a company_id parameter.")
    }
}
