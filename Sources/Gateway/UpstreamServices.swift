import Foundation
import NetworkCore
import ServiceLogging
import ServiceRuntime
import Wire
import WireRPC

/// The gateway's Wire clients, one per downstream service, with their addresses from flags/env.
struct UpstreamServices: Sendable {
    /// The downstream services the gateway fans out to.
    static let services: [ServiceName] = [.config, .agent, .rag, .media]

    let clients: [ServiceName: RPCClient]

    init(endpoints: ServiceEndpoints) throws {
        var clients: [ServiceName: RPCClient] = [:]
        for service in Self.services {
            clients[service] = RPCClient(
                endpoints: try endpoints.addresses(of: service),
                configuration: RPCClientConfiguration(callerName: ServiceName.gateway.rawValue))
        }
        self.clients = clients
    }

    /// Asks every downstream service for its health, in parallel, each within `timeout`.
    func aggregateHealth(timeout: Duration, requestID: String?) async -> [String: ComponentHealth] {
        await withTaskGroup(of: (String, ComponentHealth).self) { group in
            for (service, client) in clients {
                group.addTask {
                    var metadata = Metadata()
                    metadata.requestID = requestID
                    do {
                        let report = try await client.call(StandardMethods.health, HealthCheckRequest(),
                                                           metadata: metadata, timeout: timeout)
                        let detail = report.status == .serving ? "v\(report.version)" : "reports \(report.status)"
                        return (service.rawValue, ComponentHealth(status: report.status, detail: detail))
                    } catch {
                        return (service.rawValue, ComponentHealth(status: .notServing, detail: "\(error)"))
                    }
                }
            }
            var result: [String: ComponentHealth] = [:]
            for await (name, health) in group { result[name] = health }
            return result
        }
    }
}
