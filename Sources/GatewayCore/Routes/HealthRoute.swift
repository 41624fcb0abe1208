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
        let results = await withTaskGroup(of: (String, JSONValue, Bool).self) { group in
            for (service, client) in upstream.clients {
                group.addTask {
                    let start = MonotonicTime.now()
                    do {
                        let report = try await client.call(StandardMethods.health, HealthCheckRequest(),
                                                           metadata: context.wireMetadata, timeout: .seconds(1))
                        let milliseconds = Double(MonotonicTime.now() - start) / 1e6
                        let status = report.status == .serving ? "healthy" : (report.status == .degraded ? "degraded" : "unhealthy")
                        return (service.rawValue, .object([
                            "status": .string(status),
                            "serving_status": .string(report.status.rawValue),
                            "version": .string(report.version),
                            "uptime_seconds": .number(report.uptimeSeconds.rounded()),
                            "latency_ms": .number((milliseconds * 100).rounded() / 100),
                        ]), report.status == .serving || (service == .config && report.status == .degraded))
                    } catch {
                        return (service.rawValue, .object([
                            "status": .string("unhealthy"), "error": .string((error as? RPCError)?.code.name ?? "unknown"),
                        ]), false)
                    }
                }
            }
            var collected: [(String, JSONValue, Bool)] = []
            for await result in group { collected.append(result) }
            return collected
        }
        var services: [String: JSONValue] = [:]
        var configServing = false
        var allServing = true
        for (name, value, serving) in results {
            services[name] = value
            if name == ServiceName.config.rawValue { configServing = serving }
            allServing = allServing && serving
        }
        let known = (try? await companies.companies(metadata: context.wireMetadata)) ?? [:]
        let configDegraded = (services[ServiceName.config.rawValue]?["status"]?.stringValue) == "degraded"
        let status = !configServing ? "unhealthy" : (allServing && !configDegraded ? "healthy" : "degraded")
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
