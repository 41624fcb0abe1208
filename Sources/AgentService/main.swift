import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The agent service. The router, agents, memory and LLM providers arrive with the conversations issue;
// today it keeps its own copy of the company configuration, propagated from the config service, and
// describes each company's persona and agents from it.

let host = ServiceHost(service: .agent)
let configClient: RPCClient
do {
    configClient = RPCClient(endpoints: try ServiceEndpoints(options: host.options).addresses(of: .config),
                             configuration: RPCClientConfiguration(callerName: ServiceName.agent.rawValue))
} catch {
    host.logger.critical("invalid config service address: \(error)")
    exit(2)
}
let companies = CompanyWatcher(client: configClient, logger: host.logger)
companies.start()

var router = RPCRouter()
// The company copy is derived from the config service (a purged company disappears from it with the
// next change); conversations and memory arrive with the conversations issue.
router.registerNoTenantDataPurge(service: ServiceName.agent.rawValue)
router.register(AgentAPI.describeCompany) { request, _ in
    guard let company = companies.company(request.companyID) else {
        throw RPCError(.notFound, "unknown company '\(request.companyID)'")
    }
    let enabled = company.agentsEnabled ?? [:]
    return AgentCompanyDescription(
        companyID: company.id, companyName: company.companyName, salesAgentName: company.salesAgentName,
        agents: AgentKind.allCases.map {
            AgentState(kind: $0, enabled: enabled[$0.rawValue] ?? true, promptSource: PromptCatalog.resolve($0, for: company).source)
        },
        configVersion: companies.version)
}
exit(await host.run(router: router))
