import Foundation
import HTTPServerCore
import NetworkCore
import ServiceRuntime
import Wire
import WireRPC

/// The gateway's Wire clients, one per downstream service, with error mapping and latency metrics.
///
/// A service that cannot be reached is a 503 `service_unavailable` naming it; a deadline hit is a 504
/// `upstream_timeout`; other statuses map to their HTTP counterparts.
public struct UpstreamCaller: Sendable {
    public let clients: [ServiceName: RPCClient]
    let metrics: MetricsRegistry

    public init(clients: [ServiceName: RPCClient], metrics: MetricsRegistry) {
        self.clients = clients
        self.metrics = metrics
    }

    /// Calls `method` on `service` with the route's deadline and the request's metadata.
    ///
    /// For a tenant-scoped request the call's `tenant` metadata is the request's resolved company, or, on
    /// routes without one, the request's own company once the caller is checked to be allowed to act for
    /// it (403 `tenant_forbidden` otherwise). The service then checks that both agree.
    public func call<Request, Response>(
        _ service: ServiceName, _ method: Method<Request, Response>, _ request: Request, context: GatewayContext
    ) async throws(HTTPError) -> Response {
        guard let client = clients[service] else {
            throw HTTPError(status: 503, code: "service_unavailable", message: "The \(service.rawValue) service is not configured.",
                            details: ["service": .string(service.rawValue)])
        }
        var metadata = context.wireMetadata
        if let scoped = request as? any TenantScopedRequest, context.company == nil {
            guard context.mayAccess(scoped.companyID) else {
                throw HTTPError(status: 403, code: "tenant_forbidden",
                                message: "These credentials are not allowed to act for company '\(scoped.companyID)'.")
            }
            metadata.tenant = scoped.companyID.rawValue
        }
        return try await run(service, context: context) {
            try await client.call(method, request, metadata: metadata, timeout: context.route.timeout)
        }
    }

    /// Runs `operation` (which talks to `service`), timing it and mapping its `RPCError` to an `HTTPError`.
    public func run<T>(
        _ service: ServiceName, context: GatewayContext, _ operation: () async throws -> T
    ) async throws(HTTPError) -> T {
        let start = MonotonicTime.now()
        do {
            let value = try await operation()
            metrics.upstreamCall(service: service.rawValue, outcome: "ok", seconds: Double(MonotonicTime.now() - start) / 1e9)
            return value
        } catch {
            let rpcError = error as? RPCError ?? RPCError(.unknown, "\(error)")
            metrics.upstreamCall(service: service.rawValue, outcome: rpcError.code.name,
                                 seconds: Double(MonotonicTime.now() - start) / 1e9)
            throw Self.map(rpcError, service: service, logger: context)
        }
    }

    /// One downstream service's answer to `health`, with the round-trip time.
    public typealias DownstreamHealth = Result<(report: HealthCheckResponse, milliseconds: Double), RPCError>

    /// Asks every downstream service for its health, in parallel, each within `timeout`.
    public func downstreamHealth(metadata: Metadata, timeout: Duration = .seconds(1)) async -> [ServiceName: DownstreamHealth] {
        await withTaskGroup(of: (ServiceName, DownstreamHealth).self) { group in
            for (service, client) in clients {
                group.addTask {
                    let start = MonotonicTime.now()
                    do {
                        let report = try await client.call(StandardMethods.health, HealthCheckRequest(), metadata: metadata,
                                                           timeout: timeout)
                        return (service, .success((report, Double(MonotonicTime.now() - start) / 1e6)))
                    } catch {
                        return (service, .failure(error as? RPCError ?? RPCError(.unknown, "\(error)")))
                    }
                }
            }
            var results: [ServiceName: DownstreamHealth] = [:]
            for await (service, result) in group { results[service] = result }
            return results
        }
    }

    /// Field-level problems a service attached to its error, as a JSON object.
    static func fieldErrors(_ error: RPCError) -> JSONValue? {
        guard let text = error.metadata[ConfigAPI.fieldErrorsMetadataKey],
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), case .object = value else { return nil }
        return value
    }

    static func map(_ error: RPCError, service: ServiceName, logger context: GatewayContext) -> HTTPError {
        let name = service.rawValue
        let details: [String: JSONValue] = ["service": .string(name)]
        // A service that names the product error (`slot_taken`, `outside_hours`…) gets it passed through.
        let product = error.metadata[RPCError.errorCodeMetadataKey].flatMap { $0.isEmpty || $0.count > 64 ? nil : $0 }
        // Media failures carry their own HTTP status (415 wrong format, 413 too large, 503 no provider…).
        if let product, let status = MediaAPI.errorStatuses[product] {
            if status >= 500 { context.logger.warning("\(name) service: \(product): \(error.message)") }
            return HTTPError(status: status, code: product, message: error.message, details: details)
        }
        switch error.code {
        case .unavailable where product != nil:
            // The service is up and says what is not (the company's schedule service, for one).
            return HTTPError(status: 503, code: product ?? "service_unavailable", message: error.message, details: details)
        case .unavailable, .cancelled:
            context.logger.warning("\(name) service unavailable: \(error.message)")
            return HTTPError(status: 503, code: "service_unavailable", message: "The \(name) service is unavailable.",
                             details: details)
        case .deadlineExceeded:
            context.logger.warning("\(name) service timed out: \(error.message)")
            return HTTPError(status: 504, code: "upstream_timeout", message: "The \(name) service did not answer in time.",
                             details: details)
        case .notFound: return HTTPError(status: 404, code: product ?? "not_found", message: error.message, details: details)
        case .invalidArgument, .outOfRange:
            if let product { return HTTPError(status: 422, code: product, message: error.message, details: details) }
            if let fields = fieldErrors(error) {
                return HTTPError(status: 422, code: "validation_failed", message: error.message, details: ["fields": fields])
            }
            return HTTPError(status: 400, code: "invalid_argument", message: error.message, details: details)
        case .alreadyExists:
            return HTTPError(status: 409, code: product ?? "conflict", message: error.message,
                             details: fieldErrors(error).map { ["fields": $0] } ?? details)
        case .failedPrecondition, .aborted:
            if let product { return HTTPError(status: 409, code: product, message: error.message, details: details) }
            return HTTPError(status: 412, code: "precondition_failed", message: error.message, details: details)
        case .permissionDenied: return HTTPError(status: 403, code: "forbidden", message: error.message, details: details)
        case .unauthenticated: return HTTPError(status: 401, code: product ?? "unauthenticated", message: error.message, details: details)
        case .resourceExhausted:
            return HTTPError(status: 429, code: "service_busy", message: "The \(name) service is at capacity.", details: details)
        case .unimplemented:
            return HTTPError(status: 501, code: "not_implemented", message: error.message, details: details)
        default:
            context.logger.error("\(name) service error \(error.code.name): \(error.message)")
            return HTTPError(status: 502, code: "upstream_error", message: "The \(name) service failed.", details: details)
        }
    }
}
