import Foundation
import HTTPServerCore
import NetworkCore
import ServiceLogging
import ServiceRuntime
import Wire
import WireRPC

/// `GET /api/health`: the health of every service over Wire, in the original system's shape.
///
/// `healthy` when every service serves, `degraded` when the config service serves but another does not
/// (200 either way), `unhealthy` (503) when the config service is unreachable. Anonymous callers see the
/// services only; with admin credentials the answer names the companies too (configured, health per
/// company) and the PostgreSQL block, as the seed's full health check does.
enum HealthRoute {
    static func aggregate(context: GatewayContext, upstream: UpstreamCaller, companies: CompanyCache, detailed: Bool) async -> HTTPResponse {
        var services: [String: JSONValue] = [:]
        var statuses: [ServiceName: String] = [:]
        var reports: [ServiceName: HealthCheckResponse] = [:]
        for (service, result) in await upstream.downstreamHealth(metadata: context.wireMetadata) {
            switch result {
            case .success(let answer):
                reports[service] = answer.report
                let status = answer.report.status == .serving ? "healthy" : (answer.report.status == .degraded ? "degraded" : "unhealthy")
                statuses[service] = status
                services[service.rawValue] = .object([
                    "status": .string(status),
                    "serving_status": .string(answer.report.status.rawValue),
                    "version": .string(answer.report.version),
                    "uptime_seconds": .number(answer.report.uptimeSeconds.rounded()),
                    "latency_ms": .number((answer.milliseconds * 100).rounded() / 100),
                ])
            case .failure(let error):
                statuses[service] = "unhealthy"
                services[service.rawValue] = .object(["status": .string("unhealthy"), "error": .string(error.code.name)])
            }
        }
        let status = statuses[.config] == "unhealthy" || statuses[.config] == nil ? "unhealthy"
            : (statuses.values.allSatisfy { $0 == "healthy" } ? "healthy" : "degraded")
        var body: [String: JSONValue] = [
            "status": .string(status),
            "system_type": .string("multi-tenant-multi-agent"),
            "version": .string(BuildInfo.version),
            "timestamp": .string(Timestamp.iso8601(Date())),
            "services": .object(services),
        ]
        if detailed {
            let known = (try? await companies.companies(metadata: context.wireMetadata)) ?? [:]
            body["companies"] = companiesBlock(known, statuses: statuses)
            body["enterprise"] = enterpriseBlock(reports[.config], companies: known.count)
        }
        return .json(status == "unhealthy" ? 503 : 200, JSONValue.object(body).serialized())
    }

    /// `{total, configured, health: {<id>: {...}}}` from what the gateway knows of each company.
    static func companiesBlock(_ known: [CompanyID: Company], statuses: [ServiceName: String]) -> JSONValue {
        let serving = { (service: ServiceName) in statuses[service] == "healthy" }
        var health: [String: JSONValue] = [:]
        for (id, company) in known {
            // The agents that answer patients (the router is not one), as /api/health/company/{id} counts them.
            let enabled = serving(.agent) ? AgentKind.allCases.filter { $0 != .router && company.agentsEnabled?[$0.rawValue] != false }.count : 0
            health[id.rawValue] = .object([
                "is_active": .bool(company.isActive),
                "system_healthy": .bool(company.isActive && serving(.config) && serving(.agent)),
                "vectorstore_healthy": .bool(serving(.rag)),
                "agents_available": .number(Double(enabled)),
                // The gateway does not talk to Redis itself: each store's health for the company is in
                // /api/health/company/{id} (memory_healthy, vectorstore_healthy).
                "redis_healthy": .null,
            ])
        }
        return .object([
            "total": .number(Double(known.count)),
            "configured": .array(known.keys.sorted().map { .string($0.rawValue) }),
            "health": .object(health),
        ])
    }

    /// `{postgresql_available, connection_status, companies_in_db}` from the config service's store component.
    static func enterpriseBlock(_ config: HealthCheckResponse?, companies: Int) -> JSONValue {
        guard let store = config?.components["store"], store.detail?.hasPrefix("postgres") == true else {
            return .object(["postgresql_available": .bool(false), "connection_status": .string("not_configured"),
                            "companies_in_db": .number(0)])
        }
        let healthy = store.status == .serving
        return .object(["postgresql_available": .bool(healthy),
                        "connection_status": .string(healthy ? "healthy" : "degraded"),
                        "companies_in_db": .number(Double(companies))])
    }
}
