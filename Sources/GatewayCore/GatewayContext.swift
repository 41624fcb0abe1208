import HTTPServerCore
import NetworkCore
import ServiceLogging
import Wire

/// What the gateway knows about a request as it moves through the middleware: its id, route, caller and
/// (for tenant-scoped routes) its company.
public struct GatewayContext: Sendable {
    public var requestID: String
    public var route: GatewayRoute
    public var routePattern: String
    public var parameters: [String: String]
    public var connection: HTTPConnectionInfo
    public var logger: Logger
    /// Whether the gateway authenticates callers (`AUTH_MODE`).
    public var authenticationEnabled: Bool
    public var principal: Principal = .anonymous
    public var company: Company?
    /// Headers every response of this request carries (rate-limit state, for instance).
    public var responseHeaders = HTTPHeaders()
    public let startedAt: UInt64

    /// The resolved tenant's id, if any.
    public var companyID: CompanyID? { company?.id }

    /// Whether the caller may act for `company`.
    public func mayAccess(_ company: CompanyID) -> Bool {
        principal.mayAccess(company, authenticationEnabled: authenticationEnabled)
    }

    /// Whether the caller is an admin, or anyone at all when authentication is off.
    public var isAdminOrOpen: Bool { principal.isAdmin || !authenticationEnabled }

    /// Wire metadata for calls made on behalf of this request: request id, tenant and caller.
    public var wireMetadata: Metadata {
        var metadata = Metadata()
        metadata.requestID = requestID
        metadata.tenant = company?.id.rawValue
        metadata.caller = "gateway"
        return metadata
    }
}

/// A route's handler and the policy the middleware applies before it.
public struct GatewayRoute: Sendable {
    /// Who may call the route.
    public enum Access: Sendable {
        /// Anyone (liveness, static files, webhooks with their own check); credentials are not looked at.
        case `public`
        /// Anyone; credentials, when sent, are verified (401 when wrong) and decide what the route shows
        /// (health details, the company directory).
        case optionalAuthentication
        /// Any authenticated caller.
        case authenticated
        /// Authenticated, for one company resolved from the request (see ``TenantResolver``).
        case tenant
        /// Admin credentials only.
        case admin
    }

    public typealias Handler = @Sendable (HTTPRequest, GatewayContext) async throws -> HTTPResponse

    public var access: Access
    /// The largest body accepted; nil uses the gateway default.
    public var bodyLimit: Int?
    /// The deadline for calls made to services while handling the route.
    public var timeout: Duration
    public var handler: Handler

    public init(access: Access, bodyLimit: Int? = nil, timeout: Duration = .seconds(10), handler: @escaping Handler) {
        self.access = access
        self.bodyLimit = bodyLimit
        self.timeout = timeout
        self.handler = handler
    }
}
