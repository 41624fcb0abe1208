import Foundation
import HTTPServerCore
import Wire

/// Prompts per company and agent (admin): list with their source, set a custom one, restore the default,
/// preview with sample values. Sources: custom → company default → built-in. The templates belong to the
/// agents, so the agent service resolves and renders them; changes are saved through the config service.
enum AdminPromptRoutes {
    static func register(on router: inout Router<GatewayRoute>, companies: CompanyCache, upstream: UpstreamCaller,
                         resolver: TenantResolver) {
        @Sendable func agent(_ context: GatewayContext) throws(HTTPError) -> AgentKind {
            guard let name = context.parameters["agent"], let agent = AgentKind(rawValue: name.hasSuffix("_agent") ? String(name.dropLast(6)) : name) else {
                throw HTTPError(status: 404, code: "unknown_agent",
                                message: "Agents are router, emergency, sales, support, schedule and availability.")
            }
            return agent
        }
        @Sendable func company(_ request: HTTPRequest, _ context: GatewayContext) async throws -> Company {
            let id = try resolver.requestedCompany(in: request, boundTo: context.principal)
            return try await upstream.call(.config, ConfigAPI.getCompany, GetCompanyRequest(companyID: id), context: context)
        }
        @Sendable func prompts(_ company: Company, _ context: GatewayContext) async throws -> [AgentKind: AgentPrompt] {
            let answer = try await upstream.call(.agent, AgentAPI.describePrompts,
                                                 DescribePromptsRequest(companyID: company.id, snapshot: company), context: context)
            return Dictionary(answer.prompts.map { ($0.agent, $0) }, uniquingKeysWith: { first, _ in first })
        }
        @Sendable func describe(_ prompt: AgentPrompt?) -> JSONValue {
            guard let prompt else { return .null }
            return .object(["current_prompt": .string(prompt.template), "source": .string(prompt.source.rawValue),
                            "is_custom": .bool(prompt.source == .custom)])
        }
        @Sendable func save(_ company: Company, _ context: GatewayContext) async throws -> Company {
            let updated = try await upstream.call(
                .config, ConfigAPI.updateCompany,
                CompanyChangeRequest(company: company, expectedRevision: company.revision, actor: context.principal.label),
                context: context)
            _ = try? await companies.refresh()
            return updated
        }
        @Sendable func answer(_ company: Company, _ agent: AgentKind, _ context: GatewayContext) async throws -> HTTPResponse {
            let resolved = try await prompts(company, context)
            return CompanyJSON.success(["company_id": .string(company.id.rawValue), "agent": .string(agent.rawValue),
                                        "prompt": describe(resolved[agent])])
        }

        router.add("GET", "/api/admin/prompts", GatewayRoute(access: .admin) { request, context in
            let company = try await company(request, context)
            let resolved = try await prompts(company, context)
            var agents: [String: JSONValue] = [:]
            for agent in AgentKind.allCases { agents[agent.rawValue] = describe(resolved[agent]) }
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "agents": .object(agents),
                "total_agents": .number(Double(AgentKind.allCases.count)),
                "custom_prompts": .number(Double(company.customPrompts?.count ?? 0)),
            ])
        })

        router.add("PUT", "/api/admin/prompts/{agent}", GatewayRoute(access: .admin) { request, context in
            let agent = try agent(context)
            let body = try JSONBody.decode(PromptBody.self, from: request)
            guard let template = body.promptTemplate else {
                throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                                details: ["fields": .object(["prompt_template": .string("is required")])])
            }
            var target = try await company(request, context)
            var custom = target.customPrompts ?? [:]
            custom[agent.rawValue] = template
            target.customPrompts = custom
            return try await answer(try await save(target, context), agent, context)
        })

        router.add("DELETE", "/api/admin/prompts/{agent}", GatewayRoute(access: .admin) { request, context in
            let agent = try agent(context)
            var target = try await company(request, context)
            if target.customPrompts?[agent.rawValue] != nil {
                target.customPrompts?[agent.rawValue] = nil
                target = try await save(target, context)
            }
            return try await answer(target, agent, context)
        })

        router.add("POST", "/api/admin/prompts/{agent}/preview", GatewayRoute(access: .admin) { request, context in
            let agent = try agent(context)
            let body = request.body.isEmpty ? PromptBody() : try JSONBody.decode(PromptBody.self, from: request)
            let target = try await company(request, context)
            let preview = try await upstream.call(
                .agent, AgentAPI.previewPrompt,
                PreviewPromptRequest(companyID: target.id, agent: agent, template: body.promptTemplate, values: body.values ?? [:],
                                     snapshot: target), context: context)
            return CompanyJSON.success(["company_id": .string(target.id.rawValue), "agent": .string(agent.rawValue),
                                        "preview": .string(preview.rendered),
                                        "sample_values": .object(preview.values.mapValues(JSONValue.string))])
        })
    }

    struct PromptBody: Decodable {
        var companyID: String?
        var promptTemplate: String?
        var values: [String: String]?
        enum CodingKeys: String, CodingKey {
            case companyID = "company_id", promptTemplate = "prompt_template", values
        }
        init() {}
    }
}
