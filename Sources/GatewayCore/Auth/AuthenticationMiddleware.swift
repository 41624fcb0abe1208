import CryptoPrimitives
import HTTPServerCore
import Wire
import WireRPC

/// Establishes the caller (admin key, tenant API key or bearer token) and enforces the route's access level.
///
/// Closed by default: every route that is not explicitly public needs credentials. Comparisons of secrets
/// are constant-time; a 401 carries `WWW-Authenticate`.
struct AuthenticationMiddleware: HTTPMiddleware {
    let configuration: GatewayConfiguration
    let companies: CompanyCache
    let jwt: JWTVerifier?
    let upstream: UpstreamCaller

    func handle(
        _ request: HTTPRequest, context: GatewayContext,
        next: @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var context = context
        if context.route.access == .public {
            return try await next(request, context)
        }
        guard configuration.authenticationEnabled else {
            context.principal = .anonymous
            return try await next(request, context)
        }
        context.principal = try await authenticate(request, context: context)
        if context.route.access == .admin && !context.principal.isAdmin {
            throw HTTPError(status: 403, code: "admin_required", message: "This endpoint needs admin credentials.")
        }
        return try await next(request, context)
    }

    private func authenticate(_ request: HTTPRequest, context: GatewayContext) async throws -> Principal {
        let apiKey = request.headers["X-API-Key"]
        let authorization = request.headers["Authorization"]
        if apiKey != nil && authorization != nil {
            throw HTTPError(status: 400, code: "ambiguous_credentials",
                            message: "Send either X-API-Key or Authorization, not both.")
        }
        if let apiKey {
            let hash = Digest.sha256(Array(apiKey.utf8))
            var isAdmin = false
            for adminHash in configuration.adminKeyHashes where Digest.constantTimeEqual(hash, adminHash) { isAdmin = true }
            if isAdmin { return .admin(name: "api-key") }
            let verified = try await upstream.run(.config, context: context) {
                try await companies.verify(apiKey: apiKey, metadata: context.wireMetadata)
            }
            guard let verified else { throw Self.unauthorized("invalid_api_key", "The API key is not valid.") }
            return .tenantKey(company: verified.companyID, keyID: verified.keyID)
        }
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw Self.unauthorized("invalid_authorization", "Only Bearer tokens are accepted in Authorization.")
            }
            guard let jwt else {
                throw Self.unauthorized("bearer_not_enabled", "Bearer tokens are not enabled on this gateway.")
            }
            do {
                return try jwt.verify(String(parts[1]))
            } catch {
                throw Self.unauthorized("invalid_token", error.message, bearerError: error.message)
            }
        }
        throw Self.unauthorized("authentication_required",
                                "This endpoint needs credentials: an X-API-Key header or a Bearer token.")
    }

    static func unauthorized(_ code: String, _ message: String, bearerError: String? = nil) -> HTTPError {
        var challenge = "Bearer realm=\"conversation-backend\""
        if let bearerError {
            challenge += ", error=\"invalid_token\", error_description=\"\(bearerError.replacingOccurrences(of: "\"", with: "'"))\""
        }
        return HTTPError(status: 401, code: code, message: message,
                         headers: ["WWW-Authenticate": challenge])
    }
}
