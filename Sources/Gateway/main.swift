import Foundation
import GatewayCore
import HTTPServerCore
import NetworkCore
import ServiceRuntime
import Wire
import WireRPC

// The gateway: the only door into the product. HTTP/1.1 (plain and TLS) with tenant resolution,
// authentication, rate limits, health and metrics; fans out to the other services over Wire. It also
// serves Wire `health` (aggregating the downstream services) for the launcher and operators.
//
// SIGHUP reloads the TLS certificate without dropping connections; SIGTERM/SIGINT drain HTTP first, then Wire.
// The logic is in GatewayCore; the HTTP server, the Wire server and the clients share the process's loops.

let host = ServiceHost(service: .gateway)
let configuration: GatewayConfiguration
var clients: [ServiceName: RPCClient] = [:]
do {
    configuration = try GatewayConfiguration(options: host.options)
    for service in [ServiceName.config, .agent, .rag, .media] { clients[service] = try host.client(for: service) }
} catch {
    host.exitMisconfigured(error)
}
if !configuration.authenticationEnabled {
    host.logger.warning("AUTH_MODE=off: AUTHENTICATION IS DISABLED. Every endpoint is open to anyone. Never use this outside local development.")
}

func makeTLSContext() throws -> TLSContext? {
    guard let certificate = configuration.tlsCertificatePath, let key = configuration.tlsPrivateKeyPath else { return nil }
    return try TLSContext(configuration: .server(certificateChainPath: certificate, privateKeyPath: key,
                                                 applicationProtocols: ["http/1.1"]), isServer: true)
}

let app = GatewayApp(configuration: configuration, clients: clients, logger: host.logger)
let http: HTTPServer
do {
    var serverConfiguration = configuration.httpServer
    serverConfiguration.tls = try makeTLSContext()
    serverConfiguration.onAcceptPause = { [logger = host.logger] code, delay in
        logger.warning("HTTP accept paused for \(delay): \(String(cString: strerror(code)))")
    }
    http = HTTPServer(configuration: serverConfiguration, responder: app, group: host.group)
    try await http.start()
    let bound = http.boundAddresses
    for address in bound.plain { host.logger.info("HTTP listening on \(address)") }
    for address in bound.tls { host.logger.info("HTTPS listening on \(address)") }
} catch {
    host.logger.critical("cannot start HTTP: \(error)")
    exit(1)
}
Task { _ = try? await app.companies.refresh() }

var router = RPCRouter()
router.register(StandardMethods.health, execution: .cooperative) { [health = host.health, upstream = app.upstream] request, context in
    var report = try health.report(component: nil)
    for (service, result) in await upstream.downstreamHealth(metadata: context.metadata) {
        switch result {
        case .success(let answer):
            report.components[service.rawValue] = ComponentHealth(status: answer.report.status, detail: "v\(answer.report.version)")
        case .failure(let error):
            report.components[service.rawValue] = ComponentHealth(status: .notServing, detail: "\(error)")
        }
    }
    report.status = report.components.values.allSatisfy { $0.status == .serving } ? .serving : .notServing
    if let component = request.component, !component.isEmpty {
        guard let only = report.components[component] else { throw RPCError(.notFound, "unknown component '\(component)'") }
        report.components = [component: only]
        report.status = only.status
    }
    return report
}
host.health.set("http", .serving, detail: http.boundAddresses.plain.map(\.description).joined(separator: ","))

exit(await host.run(router: router, onReload: {
    do {
        if let context = try makeTLSContext() {
            http.updateTLS(context)
            host.logger.info("TLS certificate reloaded")
        }
    } catch {
        host.logger.error("TLS reload failed, keeping the current certificate: \(error)")
    }
}, onShutdown: {
    host.health.set("http", .notServing, detail: "shutting down")
    await http.shutdownGracefully()
}))
