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
/// (200 either way), `unhealthy` (503) when the config service is unreachable.
enum HealthRoute {
    static func aggregate(context: GatewayContext, upstream: UpstreamCaller, companies: CompanyCache) async -> HTTPResponse {
        var services: [String: JSONValue] = [:]
        var statuses: [ServiceName: String] = [:]
        for (service, result) in await upstream.downstreamHealth(metadata: context.wireMetadata) {
            switch result {
            case .success(let answer):
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
        let known = (try? await companies.companies(metadata: context.wireMetadata)) ?? [:]
        let status = statuses[.config] == "unhealthy" || statuses[.config] == nil ? "unhealthy"
            : (statuses.values.allSatisfy { $0 == "healthy" } ? "healthy" : "degraded")
        let body: JSONValue = .object([
            "status": .string(status),
            "system_type": .string("multi-tenant-multi-agent"),
            "version": .string(BuildInfo.version),
            "timestamp": .string(Timestamp.iso8601(Date())),
            "services": .object(services),
            "companies": .object([
                "total": .number(Double(known.count)),
                "configured": .array(known.keys.sorted().map { .string($0.rawValue) }),
            ]),
        ])
        return .json(status == "unhealthy" ? 503 : 200, body.serialized())
    }
}
