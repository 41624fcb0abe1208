import Foundation
import HTTPServerCore
import ServiceRuntime
import Wire
import WireRPC

/// The gateway's routes. Each declares its access level, body limit and deadline next to its handler.
enum GatewayRoutes {
    static func register(
        on router: inout Router<GatewayRoute>, configuration: GatewayConfiguration, companies: CompanyCache,
        upstream: UpstreamCaller, metrics: MetricsRegistry
    ) {
        // MARK: Probes

        router.add("GET", "/livez", GatewayRoute(access: .public) { _, _ in
            .json(200, JSONValue.object(["status": .string("alive")]).serialized())
        })

        router.add("GET", "/readyz", GatewayRoute(access: .public, timeout: .seconds(2)) { _, context in
            do {
                // Ready means the config service answers now (tenant data may be served from cache meanwhile).
                _ = try await upstream.run(.config, context: context) { try await companies.refresh(metadata: context.wireMetadata) }
                return .json(200, JSONValue.object(["status": .string("ready")]).serialized())
            } catch {
                return HTTPError(status: 503, code: "not_ready", message: "The gateway cannot reach the config service.").response()
            }
        })

        router.add("GET", "/api/health", GatewayRoute(access: .public, timeout: .seconds(2)) { _, context in
            await HealthRoute.aggregate(context: context, upstream: upstream, companies: companies)
        })

        router.add("GET", "/metrics", GatewayRoute(access: configuration.metricsPublic ? .public : .admin) { _, _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                         body: Array(metrics.render().utf8))
        })

        // MARK: Companies

        router.add("GET", "/api/companies", GatewayRoute(access: .public) { _, context in
            let all = try await upstream.run(.config, context: context) { try await companies.companies(metadata: context.wireMetadata) }
            let active = all.values.filter(\.isActive).sorted { $0.id < $1.id }
            return CompanyJSON.success([
                "companies": .array(active.map(CompanyJSON.publicView)),
                "total": .number(Double(active.count)),
            ])
        })

        router.add("GET", "/api/companies/{id}", GatewayRoute(access: .public) { _, context in
            guard let text = context.parameters["id"], let id = CompanyID(text) else {
                throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
            }
            let company = try await upstream.run(.config, context: context) {
                try await companies.company(id, metadata: context.wireMetadata)
            }
            guard let company, company.isActive else {
                throw HTTPError(status: 404, code: "unknown_company", message: "Company '\(id)' does not exist.")
            }
            return CompanyJSON.success(["company": CompanyJSON.publicView(company), "company_id": .string(id.rawValue)])
        })

        router.add("GET", "/api/companies/{id}/agents", GatewayRoute(access: .authenticated) { _, context in
            guard let text = context.parameters["id"], let id = CompanyID(text) else {
                throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
            }
            guard context.principal.mayAccess(id, authenticationEnabled: configuration.authenticationEnabled) else {
                throw HTTPError(status: 403, code: "tenant_forbidden",
                                message: "These credentials are not allowed to act for company '\(id)'.")
            }
            let described = try await upstream.call(.agent, AgentAPI.describeCompany, DescribeCompanyRequest(companyID: id),
                                                    context: context)
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "sales_agent_name": .string(described.salesAgentName),
                "config_version": .number(Double(described.configVersion)),
                "agents": .array(described.agents.map { agent in
                    .object(["agent": .string(agent.kind.rawValue), "enabled": .bool(agent.enabled),
                             "prompt_source": agent.promptSource.map { .string($0.rawValue) } ?? .null])
                }),
            ])
        })

        router.add("GET", "/api/company", GatewayRoute(access: .tenant) { _, context in
            // The caller's own company (tenant-scoped): what a tenant key or token is acting for.
            guard let company = context.company else { throw HTTPError.internalError() }
            return CompanyJSON.success(["company": CompanyJSON.adminView(company), "company_id": .string(company.id.rawValue)])
        })

        AdminCompanyRoutes.register(on: &router, companies: companies, upstream: upstream)
        AdminPromptRoutes.register(on: &router, companies: companies, upstream: upstream,
                                   resolver: TenantResolver(defaultCompany: configuration.defaultCompany))

        router.add("GET", "/api/admin/companies", GatewayRoute(access: .admin) { _, context in
            let all = try await upstream.run(.config, context: context) { try await companies.refresh(metadata: context.wireMetadata) }
            let sorted = all.values.sorted { $0.id < $1.id }
            return CompanyJSON.success([
                "companies": .array(sorted.map(CompanyJSON.adminView)),
                "total": .number(Double(sorted.count)),
                "version": .number(Double(companies.version)),
            ])
        })
    }
}
