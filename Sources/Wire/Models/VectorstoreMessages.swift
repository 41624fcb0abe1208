import Foundation

/// One company's knowledge base as its periodic check last saw it.
public struct VectorstoreTenantHealth: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    /// The store is consistent and the index matches it (as of the last check).
    public var healthy: Bool
    /// Whether the service has the company's index in memory.
    public var loaded: Bool
    public var documents: Int
    public var chunks: Int
    public var embeddingProvider: String
    public var lastCheck: Date?
    public var lastRecovery: Date?
    /// What the last check found and repaired (nil when it found nothing).
    public var lastProblem: String?
    /// Progress of a re-index in the background, 0...1 (nil when none is running).
    public var reindexProgress: Double?
    /// The embedder a running re-index moves the company to (search keeps using ``embeddingProvider`` meanwhile).
    public var reindexTarget: String?
    /// Chunks stored and keyword-searchable whose vectors are still being computed.
    public var pendingEmbeddings: Int
    /// The embeddings provider's last failure, while work is pending.
    public var lastEmbeddingError: String?

    public init(companyID: CompanyID, healthy: Bool, loaded: Bool, documents: Int, chunks: Int, embeddingProvider: String,
                lastCheck: Date? = nil, lastRecovery: Date? = nil, lastProblem: String? = nil, reindexProgress: Double? = nil,
                reindexTarget: String? = nil, pendingEmbeddings: Int = 0, lastEmbeddingError: String? = nil) {
        self.companyID = companyID
        self.healthy = healthy
        self.loaded = loaded
        self.documents = documents
        self.chunks = chunks
        self.embeddingProvider = embeddingProvider
        self.lastCheck = lastCheck
        self.lastRecovery = lastRecovery
        self.lastProblem = lastProblem
        self.reindexProgress = reindexProgress
        self.reindexTarget = reindexTarget
        self.pendingEmbeddings = pendingEmbeddings
        self.lastEmbeddingError = lastEmbeddingError
    }
}

/// `rag/vectorstoreHealth` request: one company's knowledge-base health. Tenant-scoped, so with several
/// replicas it reaches the one that holds the company's index (and its check history).
public struct VectorstoreHealthRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// `rag/vectorstoreHealth` response.
public struct VectorstoreHealthResponse: Codable, Sendable, Equatable {
    public var tenant: VectorstoreTenantHealth
    public var autoRecovery: Bool
    /// Seconds between periodic checks.
    public var checkInterval: Double
    public init(tenant: VectorstoreTenantHealth, autoRecovery: Bool, checkInterval: Double) {
        self.tenant = tenant
        self.autoRecovery = autoRecovery
        self.checkInterval = checkInterval
    }
}

/// `rag/forceRecovery` request: check one company now, and rebuild its index from the store even if the
/// check finds nothing.
public struct ForceRecoveryRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}
