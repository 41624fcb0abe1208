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

        router.add("GET", "/api/health", GatewayRoute(access: .optionalAuthentication, timeout: .seconds(2)) { _, context in
            // Anonymous probes see the services; the admin sees the companies too (the seed's full shape).
            await HealthRoute.aggregate(context: context, upstream: upstream, companies: companies, detailed: context.isAdminOrOpen)
        })

        router.add("GET", "/metrics", GatewayRoute(access: configuration.metricsPublic ? .public : .admin, timeout: .seconds(3)) { _, context in
            // The gateway's own figures, then every service's (calls by method and company, latency, what each
            // adds), each asked in parallel for at most a second: a service that does not answer is left out.
            var texts = [metrics.render()]
            let metadata = context.wireMetadata
            let services = await withTaskGroup(of: (String, String?).self) { group -> [String: String] in
                for (service, client) in upstream.clients {
                    group.addTask {
                        let answer = try? await client.call(StandardMethods.metrics, MetricsRequest(), metadata: metadata, timeout: .seconds(1))
                        return (service.rawValue, answer?.text)
                    }
                }
                var found: [String: String] = [:]
                for await (service, text) in group { if let text { found[service] = text } }
                return found
            }
            texts += services.sorted { $0.key < $1.key }.map(\.value)
            // The agent service's inbox figures, when it answers.
            if let webhook = try? await upstream.call(.agent, AgentAPI.webhookMetrics, Empty(), context: context) {
                texts.append(WebhookMetricsText.render(webhook))
            }
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                body: Array(PrometheusText.merge(texts).utf8))
        })

        // MARK: Companies

        // The directory is closed like every other route: an admin sees every company, a tenant credential
        // only its own, and an anonymous caller gets 401 unless PUBLIC_DIRECTORY is on (public fields only).
        @Sendable func directoryView(_ context: GatewayContext) throws(HTTPError) -> (Company) -> JSONValue {
            if context.isAdminOrOpen { return CompanyJSON.summary }
            if case .anonymous = context.principal {
                guard configuration.publicDirectory else {
                    throw AuthenticationMiddleware.unauthorized(
                        "authentication_required", "The company directory needs credentials: an X-API-Key header or a Bearer token.")
                }
            }
            return CompanyJSON.publicView
        }

        router.add("GET", "/api/companies", GatewayRoute(access: .optionalAuthentication) { _, context in
            let view = try directoryView(context)
            let all = try await upstream.run(.config, context: context) { try await companies.companies(metadata: context.wireMetadata) }
            let visible = all.values.filter { company in
                company.isActive && (context.isAdminOrOpen || context.principal == .anonymous || context.mayAccess(company.id))
            }.sorted { $0.id < $1.id }
            return CompanyJSON.success([
                "companies": .array(visible.map(view)),
                "total": .number(Double(visible.count)),
            ])
        })

        router.add("GET", "/api/companies/{id}", GatewayRoute(access: .optionalAuthentication) { _, context in
            let view = try directoryView(context)
            guard let text = context.parameters["id"], let id = CompanyID(text) else {
                throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
            }
            if context.principal != .anonymous && !context.mayAccess(id) {
                throw HTTPError(status: 403, code: "tenant_forbidden",
                                message: "These credentials are not allowed to act for company '\(id)'.")
            }
            let company = try await upstream.run(.config, context: context) {
                try await companies.company(id, metadata: context.wireMetadata)
            }
            guard let company, company.isActive else {
                throw HTTPError(status: 404, code: "unknown_company", message: "Company '\(id)' does not exist.")
            }
            return CompanyJSON.success(["company": view(company), "company_id": .string(id.rawValue)])
        })

        router.add("GET", "/api/companies/{id}/agents", GatewayRoute(access: .authenticated) { _, context in
            guard let text = context.parameters["id"], let id = CompanyID(text) else {
                throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.")
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
            return CompanyJSON.success(["company": CompanyJSON.summary(company), "company_id": .string(company.id.rawValue)])
        })

        AdminCompanyRoutes.register(on: &router, companies: companies, upstream: upstream)
        DocumentRoutes.register(on: &router, upstream: upstream)
        AppointmentRoutes.register(on: &router, upstream: upstream)
        ConversationRoutes.register(on: &router, upstream: upstream)
        MediaRoutes.register(on: &router, upstream: upstream)
        VectorstoreRoutes.register(on: &router, companies: companies, upstream: upstream)
        StatisticsRoutes.register(on: &router, companies: companies, upstream: upstream)
        WebhookRoutes.register(on: &router, companies: companies, upstream: upstream)
        AdminWebhookRoutes.register(on: &router, upstream: upstream)
        AdminPromptRoutes.register(on: &router, companies: companies, upstream: upstream,
                                   resolver: TenantResolver(defaultCompany: configuration.defaultCompany))

        router.add("GET", "/api/admin/companies", GatewayRoute(access: .admin) { _, context in
            let all = try await upstream.run(.config, context: context) { try await companies.refresh(metadata: context.wireMetadata) }
            let sorted = all.values.sorted { $0.id < $1.id }
            return CompanyJSON.success([
                "companies": .array(sorted.map(CompanyJSON.summary)),
                "total": .number(Double(sorted.count)),
                "version": .number(Double(companies.version)),
            ])
        })
    }
}
