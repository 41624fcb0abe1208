import HTTPServerCore
import Wire

/// Applies token buckets per tenant (the company's own `rate_limit_per_second`, else its subscription tier's
/// rate) and per credential, answering 429 with
/// `Retry-After` when either is empty; every answer carries `RateLimit-Limit/Remaining/Reset`.
struct RateLimitMiddleware: HTTPMiddleware {
    let limiter: RateLimiter
    let configuration: GatewayConfiguration

    func handle(
        _ request: HTTPRequest, context: GatewayContext,
        next: @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var context = context
        var decisions: [RateLimiter.Decision] = []
        if let company = context.company {
            let rate = company.rateLimitPerSecond ?? configuration.rate(forTier: company.subscriptionTier)
            decisions.append(limiter.take("tenant:\(company.id)", rate: rate))
        }
        switch context.principal {
        case .tenantKey, .tenantToken:
            decisions.append(limiter.take(context.principal.label, rate: configuration.perKeyRate))
        case .admin, .anonymous:
            break
        }
        guard let tightest = decisions.min(by: { $0.remaining < $1.remaining }) else {
            return try await next(request, context)
        }
        context.responseHeaders["RateLimit-Limit"] = String(tightest.limit)
        context.responseHeaders["RateLimit-Remaining"] = String(tightest.remaining)
        context.responseHeaders["RateLimit-Reset"] = String(tightest.resetSeconds)
        if let refused = decisions.first(where: { !$0.allowed }) {
            var headers = context.responseHeaders
            headers["Retry-After"] = String(max(1, refused.resetSeconds))
            headers["RateLimit-Remaining"] = "0"
            throw HTTPError(status: 429, code: "rate_limited", message: "Too many requests; retry later.",
                            details: ["retry_after_seconds": .number(Double(max(1, refused.resetSeconds)))],
                            headers: headers)
        }
        var response = try await next(request, context)
        for field in context.responseHeaders.fields where !response.headers.contains(field.name) {
            response.headers.add(field.name, field.value)
        }
        return response
    }
}
