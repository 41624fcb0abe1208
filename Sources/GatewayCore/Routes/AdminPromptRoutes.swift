import Foundation
import HTTPServerCore
import Wire

/// Prompts per company and agent (admin): list with their source, set a custom one, restore the default,
/// preview with sample values. Sources: custom → company default → built-in (see ``PromptCatalog``).
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
        @Sendable func describe(_ agent: AgentKind, _ company: Company) -> JSONValue {
            let resolved = PromptCatalog.resolve(agent, for: company)
            return .object(["current_prompt": .string(resolved.template), "source": .string(resolved.source.rawValue),
                            "is_custom": .bool(resolved.source == .custom)])
        }
        @Sendable func save(_ company: Company, _ request: HTTPRequest, _ context: GatewayContext) async throws -> Company {
            let updated = try await upstream.call(
                .config, ConfigAPI.updateCompany,
                CompanyChangeRequest(company: company, expectedRevision: company.revision, actor: context.principal.label),
                context: context)
            _ = try? await companies.refresh()
            return updated
        }

        router.add("GET", "/api/admin/prompts", GatewayRoute(access: .admin) { request, context in
            let company = try await company(request, context)
            var agents: [String: JSONValue] = [:]
            for agent in AgentKind.allCases { agents[agent.rawValue] = describe(agent, company) }
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
            var prompts = target.customPrompts ?? [:]
            prompts[agent.rawValue] = template
            target.customPrompts = prompts
            let saved = try await save(target, request, context)
            return CompanyJSON.success(["company_id": .string(saved.id.rawValue), "agent": .string(agent.rawValue),
                                        "prompt": describe(agent, saved)])
        })

        router.add("DELETE", "/api/admin/prompts/{agent}", GatewayRoute(access: .admin) { request, context in
            let agent = try agent(context)
            var target = try await company(request, context)
            guard target.customPrompts?[agent.rawValue] != nil else {
                return CompanyJSON.success(["company_id": .string(target.id.rawValue), "agent": .string(agent.rawValue),
                                            "prompt": describe(agent, target)])
            }
            target.customPrompts?[agent.rawValue] = nil
            let saved = try await save(target, request, context)
            return CompanyJSON.success(["company_id": .string(saved.id.rawValue), "agent": .string(agent.rawValue),
                                        "prompt": describe(agent, saved)])
        })

        router.add("POST", "/api/admin/prompts/{agent}/preview", GatewayRoute(access: .admin) { request, context in
            let agent = try agent(context)
            let body = request.body.isEmpty ? PromptBody() : try JSONBody.decode(PromptBody.self, from: request)
            let target = try await company(request, context)
            let template = body.promptTemplate ?? PromptCatalog.resolve(agent, for: target).template
            let unknown = PromptCatalog.unknownPlaceholders(in: template)
            guard unknown.isEmpty else {
                throw HTTPError(status: 422, code: "validation_failed", message: "The template uses unknown placeholders.",
                                details: ["fields": .object(["prompt_template": .string("unknown placeholders: \(unknown.joined(separator: ", "))")])])
            }
            var values = PromptCatalog.sampleValues(for: target)
            for (name, value) in body.values ?? [:] where PromptCatalog.placeholders.contains(name) { values[name] = value }
            return CompanyJSON.success(["company_id": .string(target.id.rawValue), "agent": .string(agent.rawValue),
                                        "preview": .string(PromptCatalog.render(template, values: values)),
                                        "sample_values": .object(values.mapValues(JSONValue.string))])
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
