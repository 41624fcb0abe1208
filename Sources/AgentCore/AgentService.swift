import CompanyModel
import Foundation
import ServiceRuntime
import Wire
import WireRPC

/// The agent service's Wire API. Today: each company's persona, agents and prompts, from the service's
/// own (propagated) copy of the configuration; the router, agents, memory and language models arrive with
/// the conversations issue and register here too.
public struct AgentService: Sendable {
    private let companies: CompanyWatcher

    public init(companies: CompanyWatcher) { self.companies = companies }

    private func company(_ id: CompanyID, snapshot: Company? = nil) throws(RPCError) -> Company {
        if let snapshot {
            guard snapshot.id == id else { throw RPCError(.invalidArgument, "the snapshot is of another company") }
            return snapshot
        }
        guard let company = companies.company(id) else { throw RPCError(.notFound, "unknown company '\(id)'") }
        return company
    }

    /// Registers the methods (all answer from memory, on the event loop).
    public func register(on router: inout RPCRouter) {
        // The purge method is the appointments' (AppointmentsService): the company copy is derived from the config
        // service, and conversations and memory arrive with the conversations issue.
        router.register(AgentAPI.describeCompany, execution: .eventLoop) { [self] request, _ in
            let company = try company(request.companyID)
            let enabled = company.agentsEnabled ?? [:]
            return AgentCompanyDescription(
                companyID: company.id, companyName: company.companyName, salesAgentName: company.salesAgentName,
                agents: AgentKind.allCases.map {
                    AgentState(kind: $0, enabled: enabled[$0.rawValue] ?? true, promptSource: PromptCatalog.resolve($0, for: company).source)
                },
                configVersion: companies.version)
        }
        router.register(AgentAPI.describePrompts, execution: .eventLoop) { [self] request, _ in
            let company = try company(request.companyID, snapshot: request.snapshot)
            return AgentPrompts(companyID: company.id, prompts: AgentKind.allCases.map { agent in
                let resolved = PromptCatalog.resolve(agent, for: company)
                return AgentPrompt(agent: agent, template: resolved.template, source: resolved.source)
            }, configVersion: companies.version)
        }
        router.register(AgentAPI.previewPrompt, execution: .eventLoop) { [self] request, _ in
            let company = try company(request.companyID, snapshot: request.snapshot)
            let template = request.template ?? PromptCatalog.resolve(request.agent, for: company).template
            let unknown = PromptPlaceholders.unknown(in: template)
            guard unknown.isEmpty else {
                var metadata = Metadata()
                let fields = ["prompt_template": "unknown placeholders: \(unknown.joined(separator: ", "))"]
                if let data = try? JSONSerialization.data(withJSONObject: fields) {
                    metadata[ConfigAPI.fieldErrorsMetadataKey] = String(decoding: data, as: UTF8.self)
                }
                throw RPCError(.invalidArgument, "The template uses unknown placeholders.", metadata: metadata)
            }
            var values = PromptCatalog.sampleValues(for: company)
            for (name, value) in request.values where PromptPlaceholders.names.contains(name) { values[name] = value }
            return PromptPreview(rendered: PromptCatalog.render(template, values: values), values: values)
        }
    }
}
