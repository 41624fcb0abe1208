import HTTPServerCore
import Wire

/// The company a `/…/{id}` path names, once the caller may act for it: 400 for an invalid id, 403 when the
/// credentials belong to another tenant, 404 when it does not exist or is inactive.
enum PathCompany {
    static func resolve(_ context: GatewayContext, companies: CompanyCache, upstream: UpstreamCaller) async throws -> Company {
        guard let text = context.parameters["id"], let id = CompanyID(text) else {
            throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
        }
        guard context.mayAccess(id) else {
            throw HTTPError(status: 403, code: "tenant_forbidden", message: "These credentials are not allowed to act for company '\(id)'.")
        }
        let company = try await upstream.run(.config, context: context) { try await companies.company(id, metadata: context.wireMetadata) }
        guard let company, company.isActive else {
            throw HTTPError(status: 404, code: "unknown_company", message: "Company '\(id)' does not exist.")
        }
        return company
    }
}
