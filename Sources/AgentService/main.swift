import AgentCore
import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The agent service: keeps its own copy of the company configuration (propagated from the config service)
// and serves the agents' methods. The logic is in AgentCore.

let host = ServiceHost(service: .agent)
let companies = host.startCompanyWatcher()

var router = RPCRouter()
AgentService(companies: companies).register(on: &router)
exit(await host.run(router: router))
