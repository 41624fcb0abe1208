import CompanyModel
import ServiceRuntime
import TenantStorage
import Wire
import WireRPC

/// The RAG service's Wire API: each company's documents and search, over the ``KnowledgeBase``.
///
/// The RPC server has already checked that each call's tenant metadata names the request's company; the
/// service then takes that company from its own (propagated) copy of the configuration and builds the
/// ``TenantScope`` every store and index operation needs, so a company it does not know (or an inactive
/// one) gets `notFound` and nothing else.
public struct RAGService: Sendable {
    private let companies: CompanyWatcher
    private let knowledge: KnowledgeBase
    private let recovery: RecoverySettings

    /// The auto-recovery settings the service runs with (`VECTORSTORE_AUTO_RECOVERY`, `VECTORSTORE_HEALTH_CHECK_INTERVAL`).
    public struct RecoverySettings: Sendable {
        public var enabled: Bool
        public var interval: Duration
        public init(enabled: Bool = true, interval: Duration = .seconds(30)) {
            self.enabled = enabled
            self.interval = interval
        }
    }

    public init(companies: CompanyWatcher, knowledge: KnowledgeBase, recovery: RecoverySettings = RecoverySettings()) {
        self.companies = companies
        self.knowledge = knowledge
        self.recovery = recovery
    }

    /// The scope of a company the service knows (active or not), for background work.
    public func knownScope(_ id: CompanyID) -> TenantScope? {
        companies.company(id).flatMap { try? TenantScope(company: $0) }
    }

    /// Each company's index in Prometheus' text format (documents, chunks, vectors still to compute, health), for
    /// the standard `metrics` method.
    public func metricsText() async -> String {
        var documents = "# HELP rag_index_documents Documents in the company's index.\n# TYPE rag_index_documents gauge\n"
        var chunks = "# HELP rag_index_chunks Chunks in the company's index.\n# TYPE rag_index_chunks gauge\n"
        var pending = "# HELP rag_index_pending_embeddings Chunks whose vectors are still being computed.\n# TYPE rag_index_pending_embeddings gauge\n"
        var healthy = "# HELP rag_index_healthy 1 when the company's index matched its store at the last check.\n# TYPE rag_index_healthy gauge\n"
        for health in await knowledge.loadedTenantHealth() {
            let label = "{company=\"\(health.companyID.rawValue)\"}"
            documents += "rag_index_documents\(label) \(health.documents)\n"
            chunks += "rag_index_chunks\(label) \(health.chunks)\n"
            pending += "rag_index_pending_embeddings\(label) \(health.pendingEmbeddings)\n"
            healthy += "rag_index_healthy\(label) \(health.healthy ? 1 : 0)\n"
        }
        return documents + chunks + pending + healthy
    }

    /// Runs the periodic check of every tenant until cancelled (when auto-recovery is on).
    public func runAutoRecovery() async {
        guard recovery.enabled else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: recovery.interval)
            await knowledge.checkAllTenants(scopes: knownScope)
        }
    }

    /// The company's scope. A company the local copy does not have yet (created a moment ago, or the
    /// service has just started) is looked up once more after a refresh from the config service.
    private func scope(_ id: CompanyID) async throws(KnowledgeError) -> (scope: TenantScope, company: Company) {
        var found = companies.company(id)
        if found == nil {
            try? await companies.refresh()
            found = companies.company(id)
        }
        guard let company = found, company.isActive else { throw .unknownCompany(id) }
        do {
            return (try TenantScope(company: company), company)
        } catch {
            throw .invalidArgument("company '\(id)' cannot hold documents: \(error)")
        }
    }

    /// Registers the methods. Handlers run on the cooperative pool and hand CPU and database work to the
    /// knowledge base's threads.
    public func register(on router: inout RPCRouter) {
        let knowledge = self.knowledge
        router.registerTenantPurge(service: .rag, companies: companies, items: "documents") { scope in try await knowledge.purge(scope) }
        router.register(RAGAPI.addDocuments, execution: .cooperative) { [self] request, _ in
            let (scope, company) = try await scope(request.companyID)
            return try await knowledge.write(request.documents, scope: scope, maximumDocuments: company.maxDocuments)
        }
        router.register(RAGAPI.uploadDocument, execution: .cooperative) { [self] request, _ in
            let (scope, company) = try await scope(request.companyID)
            return try await knowledge.upload(request, scope: scope, maximumDocuments: company.maxDocuments)
        }
        // On the search pool itself: a loaded tenant with the built-in embedder is searched right there,
        // without hopping to another thread and back.
        router.register(RAGAPI.searchDocuments, execution: .blocking(knowledge.searchPool)) { [self] request, _ in
            let (scope, company) = try await scope(request.companyID)
            if let answer = try knowledge.searchIfReady(request, scope: scope) { return answer }
            return try await knowledge.search(request, scope: scope, documentLanguage: company.language)
        }
        router.register(RAGAPI.listDocuments, execution: .cooperative) { [self] request, _ in
            try await knowledge.list(request, scope: try await scope(request.companyID).scope)
        }
        router.register(RAGAPI.getDocument, execution: .cooperative) { [self] request, _ in
            try await knowledge.document(request.documentID, scope: try await scope(request.companyID).scope)
        }
        router.register(RAGAPI.deleteDocument, execution: .cooperative) { [self] request, _ in
            let removed = try await knowledge.delete(request.documentID, scope: try await scope(request.companyID).scope)
            return DeleteDocumentResponse(documentID: request.documentID, chunksRemoved: removed)
        }
        router.register(RAGAPI.vectorstoreHealth, execution: .cooperative) { [self] request, _ in
            VectorstoreHealthResponse(tenant: await knowledge.health(of: request.companyID), autoRecovery: recovery.enabled,
                                      checkInterval: Double(recovery.interval.components.seconds))
        }
        router.register(RAGAPI.forceRecovery, execution: .cooperative) { [self] request, _ in
            await knowledge.check(try await scope(request.companyID).scope, force: true)
        }
        router.register(RAGAPI.embeddingJob, execution: .cooperative) { [self] request, _ in
            try await knowledge.job(request.jobID, scope: try await scope(request.companyID).scope)
        }
        router.register(RAGAPI.embedTexts, execution: .cooperative) { [self] request, _ in
            let scope = try await scope(request.companyID).scope
            guard request.texts.count <= EmbedTextsRequest.maximumTexts,
                  request.texts.allSatisfy({ !$0.isEmpty && $0.count <= EmbedTextsRequest.maximumLength }) else {
                throw KnowledgeError.invalidArgument("1–\(EmbedTextsRequest.maximumLength) characters each, at most \(EmbedTextsRequest.maximumTexts) texts")
            }
            let embedder = await knowledge.embedders.embedder(for: scope.companyID)
            var vectors: [[Float]] = []
            for text in request.texts {
                do throws(EmbeddingError) {
                    vectors.append(try await embedder.embed(query: text))
                } catch {
                    throw KnowledgeError.unavailable("the embedder failed: \(error)")
                }
            }
            return EmbedTextsResponse(embedder: embedder.identifier, vectors: vectors)
        }
        router.register(RAGAPI.documentStats, execution: .cooperative) { [self] request, _ in
            let (scope, company) = try await scope(request.companyID)
            return try await knowledge.stats(scope: scope, maximumDocuments: company.maxDocuments)
        }
    }
}
