import HTTPServerCore
import Wire

/// Resolves the company of tenant-scoped routes and checks that the caller may act for it.
///
/// A caller bound to other companies gets 403 `tenant_forbidden` before the company's existence is
/// revealed; then an unknown company is 404 `unknown_company` and an inactive one 403 `company_inactive`.
struct TenantMiddleware: HTTPMiddleware {
    let resolver: TenantResolver
    let companies: CompanyCache
    let upstream: UpstreamCaller
    let authenticationEnabled: Bool

    func handle(
        _ request: HTTPRequest, context: GatewayContext,
        next: @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        guard context.route.access == .tenant else { return try await next(request, context) }
        var context = context
        let id = try resolver.requestedCompany(in: request, boundTo: context.principal)
        guard context.principal.mayAccess(id, authenticationEnabled: authenticationEnabled) else {
            throw HTTPError(status: 403, code: "tenant_forbidden",
                            message: "These credentials are not allowed to act for company '\(id)'.")
        }
        let company = try await upstream.run(.config, context: context) {
            try await companies.company(id, metadata: context.wireMetadata)
        }
        guard let company else {
            throw HTTPError(status: 404, code: "unknown_company", message: "Company '\(id)' does not exist.")
        }
        guard company.isActive else {
            throw HTTPError(status: 403, code: "company_inactive", message: "Company '\(id)' is inactive.")
        }
        context.company = company
        context.logger = context.logger.with(company: id.rawValue)
        return try await next(request, context)
    }
}
