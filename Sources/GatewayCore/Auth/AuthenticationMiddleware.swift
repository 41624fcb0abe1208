import CryptoPrimitives
import HTTPServerCore
import Wire
import WireRPC

/// Establishes the caller (admin key, tenant API key or bearer token) and enforces the route's access level.
///
/// Closed by default: every route that is not explicitly public needs credentials; routes with optional
/// authentication verify credentials when sent and otherwise see an anonymous caller. Comparisons of
/// secrets are constant-time; a 401 carries `WWW-Authenticate`. Failed authentications are counted per
/// client address: an address that fails too often gets 429 (with `Retry-After`) instead of a verification
/// by the config service, while valid credentials (admin keys, tokens, cached tenant keys) keep working.
/// Keys that cannot be tenant keys are refused without asking the config service at all.
struct AuthenticationMiddleware: HTTPMiddleware {
    let configuration: GatewayConfiguration
    let companies: CompanyCache
    let jwt: JWTVerifier?
    let upstream: UpstreamCaller
    let failures: AuthFailureThrottle

    func handle(
        _ request: HTTPRequest, context: GatewayContext,
        next: @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse
    ) async throws -> HTTPResponse {
        var context = context
        switch context.route.access {
        case .public:
            return try await next(request, context)
        case .optionalAuthentication:
            guard configuration.authenticationEnabled, Self.hasCredentials(request) else { return try await next(request, context) }
        case .authenticated, .tenant, .admin:
            guard configuration.authenticationEnabled else {
                context.principal = .anonymous
                return try await next(request, context)
            }
        }
        context.principal = try await authenticate(request, context: context)
        if context.route.access == .admin && !context.principal.isAdmin {
            throw HTTPError(status: 403, code: "admin_required", message: "This endpoint needs admin credentials.")
        }
        return try await next(request, context)
    }

    static func hasCredentials(_ request: HTTPRequest) -> Bool {
        request.headers["X-API-Key"] != nil || request.headers["Authorization"] != nil
    }

    private func authenticate(_ request: HTTPRequest, context: GatewayContext) async throws -> Principal {
        let apiKey = request.headers["X-API-Key"]
        let authorization = request.headers["Authorization"]
        if apiKey != nil && authorization != nil {
            throw HTTPError(status: 400, code: "ambiguous_credentials",
                            message: "Send either X-API-Key or Authorization, not both.")
        }
        let client = AuthFailureThrottle.address(of: context.connection.remoteAddress)
        do {
            return try await verify(apiKey: apiKey, authorization: authorization, client: client, context: context)
        } catch let error as HTTPError where error.status == 401 {
            failures.recordFailure(client)
            throw error
        }
    }

    /// Checks the credentials. Valid ones always pass; only verifications that would ask the config service
    /// are refused (429) while the client address is throttled for failing too often.
    private func verify(apiKey: String?, authorization: String?, client: String, context: GatewayContext) async throws -> Principal {
        if let apiKey {
            let hash = Digest.sha256(Array(apiKey.utf8))
            var isAdmin = false
            for adminHash in configuration.adminKeyHashes where Digest.constantTimeEqual(hash, adminHash) { isAdmin = true }
            if isAdmin { return .admin(name: "api-key") }
            // Tenant keys look like cbk_<key id>_<secret>; anything else cannot be one.
            guard Self.couldBeTenantKey(apiKey) else { throw Self.unauthorized("invalid_api_key", "The API key is not valid.") }
            switch companies.cachedVerification(apiKey: apiKey) {
            case .valid(let verified): return .tenantKey(company: verified.companyID, keyID: verified.keyID)
            case .invalid: throw Self.unauthorized("invalid_api_key", "The API key is not valid.")
            case .unknown: break
            }
            if let wait = failures.retryAfter(client) {
                throw HTTPError(status: 429, code: "too_many_failed_authentications",
                                message: "Too many failed authentications from this address; retry later.",
                                details: ["retry_after_seconds": .number(Double(wait))], headers: ["Retry-After": String(wait)])
            }
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

    /// `cbk_` + 12 hex digits + `_` + a base64url secret, at most 200 bytes.
    static func couldBeTenantKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        guard bytes.count > 17, bytes.count <= 200, key.hasPrefix("cbk_"), bytes[16] == 0x5F else { return false }
        let hex = bytes[4..<16].allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        let secret = bytes[17...].allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }
        return hex && secret
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
