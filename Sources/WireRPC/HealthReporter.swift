import Foundation
import NetworkCore
import Wire

/// The serving status of a service and its components, reported by the standard `health` method.
///
/// The overall status is `notServing` when any component is, `degraded` when any is degraded, `serving`
/// otherwise; a draining server reports `notServing`.
public final class HealthReporter: Sendable {
    private let components = LockedState<[String: ComponentHealth]>([:])
    private let startTime = MonotonicTime.now()
    /// The service name reported.
    public let service: String
    /// The version reported.
    public let version: String

    /// Creates a reporter.
    public init(service: String, version: String) {
        self.service = service
        self.version = version
    }

    /// Sets a component's status.
    public func set(_ component: String, _ status: ServingStatus, detail: String? = nil) {
        components.withLock { $0[component] = ComponentHealth(status: status, detail: detail) }
    }

    /// The current report, for the whole service or one component.
    public func report(component: String?) throws(RPCError) -> HealthCheckResponse {
        let snapshot = components.withLock { $0 }
        let uptime = Double(MonotonicTime.now() - startTime) / 1e9
        if let component, !component.isEmpty {
            guard let health = snapshot[component] else {
                throw RPCError(.notFound, "unknown component '\(component)'")
            }
            return HealthCheckResponse(status: health.status, service: service, version: version,
                                       uptimeSeconds: uptime, components: [component: health], processID: getpid())
        }
        let statuses = snapshot.values.map(\.status)
        let overall: ServingStatus = statuses.contains(where: { $0 == .notServing || $0 == .unknown }) ? .notServing
            : (statuses.contains(.degraded) ? .degraded : .serving)
        return HealthCheckResponse(status: overall, service: service, version: version, uptimeSeconds: uptime,
                                   components: snapshot, processID: getpid())
    }
}

extension RPCRouter {
    /// Registers the standard methods every server serves, `health` and `echo`, unless the service
    /// registered its own (`listMethods` is added by the server itself).
    public mutating func registerStandardMethods(health: HealthReporter) {
        if handler(for: StandardMethods.health.fullName) == nil {
            register(StandardMethods.health, execution: .eventLoop) { request, _ in try health.report(component: request.component) }
        }
        if handler(for: StandardMethods.echo.fullName) == nil {
            register(StandardMethods.echo, execution: .eventLoop) { request, _ in request }
        }
        // listMethods reports the router as it is when the server starts (see RPCServer).
    }
}

extension RPCRouter {
    /// Serves `purgeTenant` for a service that stores no data of its own for tenants (yet): there is
    /// nothing to erase, and it says so. Services that store tenant data register their own handler.
    public mutating func registerNoTenantDataPurge(service: String) {
        register(StandardMethods.purgeTenant, execution: .eventLoop) { request, context in
            context.logger.info("purge of \(request.companyID) requested by \(request.actor): no tenant data stored here")
            return PurgeTenantResponse(service: service, itemsRemoved: 0)
        }
    }
}
