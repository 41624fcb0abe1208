import HTTPServerCore

/// Adds the security headers every answer carries and CORS headers for allowed origins.
struct ResponseHeadersMiddleware: HTTPMiddleware {
    let cors: CORSPolicy

    func handle(
        _ request: HTTPRequest, context: GatewayContext,
        next: @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var response: HTTPResponse
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            response = error.response()
        }
        Self.addSecurityHeaders(&response, isTLS: context.connection.isTLS)
        cors.addHeaders(to: &response, for: request)
        return response
    }

    static func addSecurityHeaders(_ response: inout HTTPResponse, isTLS: Bool) {
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if response.headers["Cache-Control"] == nil { response.headers["Cache-Control"] = "no-store" }
        if response.headers["X-Frame-Options"] == nil { response.headers["X-Frame-Options"] = "DENY" }
        if isTLS { response.headers["Strict-Transport-Security"] = "max-age=31536000" }
    }
}

/// Which browser origins may call the API (`CORS_ALLOWED_ORIGINS`).
struct CORSPolicy: Sendable {
    let allowedOrigins: [String]

    func allows(_ origin: String) -> Bool { allowedOrigins.contains("*") || allowedOrigins.contains(origin) }

    func addHeaders(to response: inout HTTPResponse, for request: HTTPRequest) {
        guard let origin = request.headers["Origin"], allows(origin) else { return }
        response.headers["Access-Control-Allow-Origin"] = allowedOrigins.contains("*") ? "*" : origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Expose-Headers"] =
            "X-Request-ID, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, ETag"
    }

    /// The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`).
    func preflight(_ request: HTTPRequest, allowedMethods: [String]) -> HTTPResponse {
        guard let origin = request.headers["Origin"], allows(origin) else {
            return HTTPError(status: 403, code: "cors_origin_forbidden", message: "This origin may not call the API.").response()
        }
        var response = HTTPResponse(status: 204)
        response.headers["Access-Control-Allow-Origin"] = allowedOrigins.contains("*") ? "*" : origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Allow-Methods"] = allowedMethods.joined(separator: ", ")
        response.headers["Access-Control-Allow-Headers"] =
            "Content-Type, Authorization, X-API-Key, X-Company-ID, X-Request-ID, If-Match"
        response.headers["Access-Control-Max-Age"] = "600"
        return response
    }
}
