import CryptoPrimitives
import Foundation
import HTTPServerCore
import NetworkCore
import ServiceLogging
import Wire
import WireRPC

/// The gateway's HTTP application: routing, the middleware pipeline, error envelopes, request ids,
/// metrics and the access log.
public final class GatewayApp: HTTPResponder {
    public let configuration: GatewayConfiguration
    public let metrics: MetricsRegistry
    public let companies: CompanyCache
    public let upstream: UpstreamCaller
    let logger: Logger
    private let router: Router<GatewayRoute>
    private let chain: MiddlewareChain<GatewayContext>
    private let accessLog: AccessLog
    private let cors: CORSPolicy

    /// Builds the application over the downstream clients.
    public init(configuration: GatewayConfiguration, clients: [ServiceName: RPCClient], logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let metrics = MetricsRegistry()
        self.metrics = metrics
        let upstream = UpstreamCaller(clients: clients, metrics: metrics)
        self.upstream = upstream
        let companies = CompanyCache(
            client: clients[.config] ?? RPCClient(endpoints: []), ttl: configuration.cacheTTL)
        self.companies = companies
        self.accessLog = AccessLog(logger: logger)
        self.cors = CORSPolicy(allowedOrigins: configuration.corsAllowedOrigins)
        var router = Router<GatewayRoute>()
        GatewayRoutes.register(on: &router, configuration: configuration, companies: companies, upstream: upstream,
                               metrics: metrics)
        let panel = PanelFiles.load(directory: configuration.panelDirectory)
        panel.register(on: &router)
        if panel.files.isEmpty { logger.warning("no admin panel at \(configuration.panelDirectory) (GATEWAY_PANEL_DIR): / is not served") }
        self.router = router
        self.chain = MiddlewareChain([
            ResponseHeadersMiddleware(cors: cors),
            AuthenticationMiddleware(configuration: configuration, companies: companies,
                                     jwt: configuration.jwtSecret.map { JWTVerifier(secret: $0) }, upstream: upstream,
                                     failures: AuthFailureThrottle(rate: configuration.authFailureRate)),
            TenantMiddleware(resolver: TenantResolver(defaultCompany: configuration.defaultCompany), companies: companies,
                             upstream: upstream, authenticationEnabled: configuration.authenticationEnabled),
            RateLimitMiddleware(limiter: RateLimiter(), configuration: configuration),
        ])
    }

    // MARK: HTTPResponder

    public func bodyLimit(for head: HTTPRequestHead) -> Int {
        if case .found(let route, _, _) = router.match(method: head.method, segments: head.pathSegments) {
            return route.bodyLimit ?? configuration.maximumBodyBytes
        }
        return configuration.maximumBodyBytes
    }

    public func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        let start = MonotonicTime.now()
        metrics.requestStarted()
        let requestID = Self.requestID(from: request)
        var pattern = "unmatched"
        var company: String?
        var response: HTTPResponse
        switch router.match(method: request.method, segments: request.pathSegments) {
        case .notFound:
            response = HTTPError.notFound("No endpoint at \(request.method) \(request.path.prefix(200)).").response()
        case .methodNotAllowed(let allowed):
            if request.method == "OPTIONS" && request.headers["Access-Control-Request-Method"] != nil {
                response = cors.preflight(request, allowedMethods: allowed)
            } else {
                var error = HTTPError(status: 405, code: "method_not_allowed",
                                      message: "\(request.method) is not allowed here.")
                error.headers["Allow"] = allowed.joined(separator: ", ")
                response = error.response()
            }
        case .found(let route, let parameters, let routePattern):
            pattern = routePattern
            let context = GatewayContext(
                requestID: requestID, route: route, routePattern: routePattern, parameters: parameters,
                connection: connection, logger: logger.with(company: nil, requestID: requestID),
                authenticationEnabled: configuration.authenticationEnabled, startedAt: start)
            let outcome = CompanyBox()
            do {
                response = try await chain.run(request, context: context) { request, context in
                    outcome.set(context.companyID?.rawValue)
                    return try await route.handler(request, context)
                }
            } catch let error as HTTPError {
                response = error.response()
            } catch {
                logger.with(company: nil, requestID: requestID).error("unhandled error on \(routePattern): \(error)")
                response = HTTPError.internalError().response()
            }
            company = outcome.value
        }
        if response.headers["X-Request-ID"] == nil { response.headers["X-Request-ID"] = requestID }
        if pattern == "unmatched" { ResponseHeadersMiddleware.addSecurityHeaders(&response, isTLS: connection.isTLS) }
        let elapsed = Double(MonotonicTime.now() - start) / 1e9
        metrics.requestFinished(route: pattern, method: request.method, status: response.status, company: company,
                                seconds: elapsed)
        if configuration.accessLog {
            accessLog.record(method: request.method, target: request.target, status: response.status,
                             bytes: response.body.count, milliseconds: elapsed * 1000, company: company, requestID: requestID)
        }
        return response
    }

    public func requestRejected(_ error: HTTPParseError, connection: HTTPConnectionInfo) {
        metrics.requestRejected(code: error.code)
        if configuration.accessLog {
            logger.info("- - \(error.status) rejected \(error.code) from \(connection.remoteAddress)")
        }
    }

    /// The client's `X-Request-ID` when it is sane (≤ 128 of `[A-Za-z0-9._:-]`), otherwise a new one.
    static func requestID(from request: HTTPRequest) -> String {
        if let given = request.headers["X-Request-ID"], !given.isEmpty, given.utf8.count <= 128,
           given.utf8.allSatisfy({ c in
               (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                   || c == 0x2E || c == 0x5F || c == 0x2D || c == 0x3A
           }) {
            return given
        }
        return Digest.hex(Digest.randomBytes(12))
    }
}

/// Carries the resolved company out of the middleware chain for metrics and the access log.
final class CompanyBox: @unchecked Sendable {
    // Written once by the final handler and read after the chain returns, on the same task.
    private(set) var value: String?
    func set(_ value: String?) { self.value = value }
}
