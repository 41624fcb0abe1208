import AgentCore
import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The agent service: keeps its own copy of the company configuration (propagated from the config service)
// and serves the agents' methods. The logic is in AgentCore.

let host = ServiceHost(service: .agent)
let configClient: RPCClient
do {
    configClient = try host.client(for: .config)
} catch {
    host.exitMisconfigured(error)
}
let companies = CompanyWatcher(client: configClient, logger: host.logger)
companies.start()

var router = RPCRouter()
AgentService(companies: companies).register(on: &router)
exit(await host.run(router: router))
