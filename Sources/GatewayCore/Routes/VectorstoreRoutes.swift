import Foundation
import HTTPServerCore
import ServiceLogging
import Wire

/// Knowledge-base health and recovery, per company: the admin overview and forced recovery, and the
/// seed's per-company health endpoints. Each company's health is asked for with its own tenant, so with
/// several RAG replicas it comes from the replica that holds that company's index.
enum VectorstoreRoutes {
    static func register(on router: inout Router<GatewayRoute>, companies: CompanyCache, upstream: UpstreamCaller) {
        @Sendable func vectorstore(_ id: CompanyID, _ context: GatewayContext) async -> (JSONValue, VectorstoreHealthResponse?) {
            do {
                let answer = try await upstream.call(.rag, RAGAPI.vectorstoreHealth, VectorstoreHealthRequest(companyID: id), context: context)
                return (describe(answer.tenant), answer)
            } catch {
                return (.object(["vectorstore_healthy": .bool(false), "error": .string(error.code)]), nil)
            }
        }
        @Sendable func active(_ context: GatewayContext) async throws -> [Company] {
            let all = try await upstream.run(.config, context: context) { try await companies.companies(metadata: context.wireMetadata) }
            return all.values.filter(\.isActive).sorted { $0.id < $1.id }
        }
        @Sendable func overview(_ list: [Company], _ context: GatewayContext) async -> [(Company, JSONValue, VectorstoreHealthResponse?)] {
            await withTaskGroup(of: (Int, JSONValue, VectorstoreHealthResponse?).self) { group in
                for (position, company) in list.enumerated() {
                    group.addTask { let (json, answer) = await vectorstore(company.id, context); return (position, json, answer) }
                }
                var results = [(Company, JSONValue, VectorstoreHealthResponse?)](repeating: (list[0], .null, nil), count: list.count)
                for await (position, json, answer) in group { results[position] = (list[position], json, answer) }
                return results
            }
        }

        router.add("GET", "/api/admin/vectorstore/health", GatewayRoute(access: .admin, timeout: .seconds(15)) { _, context in
            let list = try await active(context)
            let results = list.isEmpty ? [] : await overview(list, context)
            let healthy = results.filter { $0.2?.tenant.healthy == true }.count
            let settings = results.lazy.compactMap(\.2).first
            return CompanyJSON.success([
                "overall_healthy": .bool(healthy == results.count), "total": .number(Double(results.count)),
                "healthy": .number(Double(healthy)),
                "auto_recovery": settings.map { .bool($0.autoRecovery) } ?? .null,
                "check_interval_seconds": settings.map { .number($0.checkInterval) } ?? .null,
                "companies": .object(Dictionary(uniqueKeysWithValues: results.map { ($0.0.id.rawValue, $0.1) })),
            ])
        })

        router.add("POST", "/api/admin/vectorstore/force-recovery", GatewayRoute(access: .admin, timeout: .seconds(120)) { request, context in
            guard let text = request.queryValues("company_id").first ?? request.headers["X-Company-ID"], let id = CompanyID(text) else {
                throw HTTPError(status: 400, code: "company_required", message: "Name the company: ?company_id=<id>.")
            }
            let health = try await upstream.call(.rag, RAGAPI.forceRecovery, ForceRecoveryRequest(companyID: id), context: context)
            return CompanyJSON.success(["company_id": .string(id.rawValue), "vectorstore": describe(health),
                                        "message": .string("Recovery completed for \(id).")])
        })

        router.add("GET", "/api/health/company/{id}", GatewayRoute(access: .authenticated) { _, context in
            let company = try await PathCompany.resolve(context, companies: companies, upstream: upstream)
            let id = company.id
            async let agentHealth = try? upstream.call(.agent, AgentAPI.companyHealth, AgentCompanyHealthRequest(companyID: id), context: context)
            async let mediaHealth = try? upstream.call(.media, MediaAPI.capabilities, MediaCapabilitiesRequest(companyID: id), context: context)
            let (json, answer) = await vectorstore(id, context)
            let agents = await agentHealth
            let media = await mediaHealth
            let healthy = answer?.tenant.healthy == true
            let memoryHealthy = agents?.memoryHealthy == true
            // agents_available: the agents the agent service can run for the company (0 when it cannot be reached).
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "company_name": .string(company.companyName),
                "system_healthy": .bool(healthy && memoryHealthy), "vectorstore_healthy": .bool(healthy), "vectorstore": json,
                "agents_available": .number(Double(agents?.agentsAvailable.count ?? 0)),
                "agents": .array((agents?.agentsAvailable ?? []).map { .string($0) }),
                "memory_healthy": .bool(memoryHealthy), "memory_store": agents.map { .string($0.memoryStore) } ?? .null,
                "memory_problem": agents?.problem.map { .string($0) } ?? (agents == nil ? .string("the agent service did not answer") : .null),
                "language_model": agents.map { .string($0.languageModel) } ?? .null,
                "chatwoot": chatwootHealth(company, agents), "chatwoot_configured": .bool(chatwootConfigured(company)),
                "providers": providersHealth(company, agents: agents, vectorstore: answer?.tenant, media: media),
                "timestamp": .string(Timestamp.iso8601(Date())),
            ])
        })

        router.add("GET", "/api/health/companies", GatewayRoute(access: .admin, timeout: .seconds(15)) { _, context in
            let list = try await active(context)
            let results = list.isEmpty ? [] : await overview(list, context)
            return CompanyJSON.success([
                "total": .number(Double(results.count)),
                "companies": .object(Dictionary(uniqueKeysWithValues: results.map { company, json, answer in
                    (company.id.rawValue, JSONValue.object([
                        "company_name": .string(company.companyName), "vectorstore_healthy": .bool(answer?.tenant.healthy == true),
                        "vectorstore": json,
                    ]))
                })),
            ])
        })
    }

    /// Whether the bot can answer in Chatwoot: a base URL and an API access token are set.
    static func chatwootConfigured(_ company: Company) -> Bool {
        let settings = company.chatwoot ?? ChatwootSettings()
        return (settings.baseURL.map { !$0.isEmpty } ?? false) && (settings.apiAccessToken.map { !$0.isEmpty } ?? false)
    }

    /// Each AI capability as configured (provider and model, never the key) and as the services report it in
    /// use: the agent service's language model, the RAG index's embedder, the media service's voice and image
    /// processing (null where that service did not answer).
    static func providersHealth(_ company: Company, agents: AgentCompanyHealth?, vectorstore: VectorstoreTenantHealth?,
                                media: MediaCapabilities?) -> JSONValue {
        let configured = company.providers ?? AIProviders()
        func entry(_ settings: ProviderSettings, _ extra: [String: JSONValue]) -> JSONValue {
            .object(["provider": .string(settings.provider), "model": settings.model.map { .string($0) } ?? .null].merging(extra) { $1 })
        }
        func capability(_ value: MediaCapability?) -> [String: JSONValue] {
            guard let value else { return ["available": .null, "in_use": .null, "reason": .null] }
            return ["available": .bool(value.available), "in_use": .string(value.model.map { "\(value.provider):\($0)" } ?? value.provider),
                    "reason": value.reason.map { .string($0) } ?? .null]
        }
        return .object([
            "llm": entry(configured.llm, ["in_use": agents.map { .string($0.languageModel) } ?? .null]),
            "embeddings": entry(configured.embeddings, ["in_use": vectorstore.map { .string($0.embeddingProvider) } ?? .null]),
            "transcription": entry(configured.transcription, capability(media?.voice)),
            "vision": entry(configured.vision, capability(media?.image)),
        ])
    }

    /// A company's Chatwoot channel: whether webhooks must be signed (`unverified` when not: the shipped
    /// configuration's accounts, like the original's), the integration, and the inbox's events by state.
    static func chatwootHealth(_ company: Company, _ agents: AgentCompanyHealth?) -> JSONValue {
        let settings = company.chatwoot ?? ChatwootSettings()
        let hasSecret = settings.webhookSecret.map { !$0.isEmpty } ?? false
        return .object([
            "account_id": company.chatwootAccountID.map { .string($0) } ?? .null,
            "webhook_signature": .string(settings.signatureRequired ? (hasSecret ? "required" : "required_without_secret") : "unverified"),
            "integration": .string(settings.effectiveIntegration.rawValue),
            "bot_active_statuses": .array(settings.effectiveBotActiveStatuses.map { .string($0) }),
            "human_status": .string(settings.effectiveHumanStatus),
            "api_configured": .bool(chatwootConfigured(company)),
            "inbox_store": agents?.webhookInbox.map { .string($0) } ?? .null,
            "webhook_events": agents?.webhookEvents.map { .object($0.mapValues { .number(Double($0)) }) } ?? .null,
        ])
    }

    /// A company's knowledge-base health in the API's shape.
    static func describe(_ health: VectorstoreTenantHealth) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.iso8601($0)) } ?? .null }
        return .object([
            "vectorstore_healthy": .bool(health.healthy), "index_loaded": .bool(health.loaded),
            "document_count": .number(Double(health.documents)), "chunk_count": .number(Double(health.chunks)),
            "embedding_provider": .string(health.embeddingProvider), "last_check": time(health.lastCheck),
            "last_recovery": time(health.lastRecovery), "last_problem": health.lastProblem.map { .string($0) } ?? .null,
            "reindex_progress": health.reindexProgress.map { .number(($0 * 1e3).rounded() / 1e3) } ?? .null,
            "reindex_target": health.reindexTarget.map { .string($0) } ?? .null,
            "pending_embeddings": .number(Double(health.pendingEmbeddings)),
            "last_embedding_error": health.lastEmbeddingError.map { .string($0) } ?? .null,
        ])
    }
}
