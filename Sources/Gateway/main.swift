import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The gateway process. The HTTP/TLS front door arrives with the gateway issue; today it holds a Wire
// client per downstream service and answers `health` over Wire with the aggregated health of all of them.
let host = ServiceHost(service: .gateway)
let upstream: UpstreamServices
do {
    upstream = try UpstreamServices(endpoints: ServiceEndpoints(options: host.options))
} catch {
    host.logger.critical("invalid service addresses: \(error)")
    exit(2)
}

var router = RPCRouter()
router.register(StandardMethods.health) { [health = host.health] request, context in
    let services = await upstream.aggregateHealth(timeout: .seconds(1), requestID: context.metadata.requestID)
    var report = try health.report(component: nil)
    for (name, component) in services { report.components[name] = component }
    report.status = report.components.values.allSatisfy { $0.status == .serving } ? .serving : .notServing
    if let component = request.component, !component.isEmpty {
        guard let only = report.components[component] else { throw RPCError(.notFound, "unknown component '\(component)'") }
        report.components = [component: only]
        report.status = only.status
    }
    return report
}
exit(await host.run(router: router))
