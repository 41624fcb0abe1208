import Foundation

/// Where an embedding job stands.
public enum EmbeddingJobState: String, Codable, Sendable, TolerantEnum {
    /// Some chunks still wait for their vectors (keyword search already finds them).
    case running
    /// Every chunk of the job's documents has its vector.
    case completed
    /// The provider refuses the work (a wrong key, a wrong dimension); it is retried slowly until the
    /// company's configuration changes.
    case failing
    /// A state this reader does not know.
    case unknown

    public static var unknownCase: EmbeddingJobState { .unknown }
}

/// A write whose vectors are computed in the background (a real model is slow): which documents, how far
/// along. The chunks are stored and keyword-searchable at once; vector search finds each chunk as soon as
/// it is embedded. The progress is read from the index, so it survives a restart of the service (the job
/// record is durable and the unembedded chunks are found again at load).
public struct EmbeddingJobStatus: Codable, Sendable, Equatable {
    public var id: String
    public var state: EmbeddingJobState
    public var documentIDs: [String]
    /// The chunks of the job's documents (as the index holds them now).
    public var chunksTotal: Int
    public var chunksEmbedded: Int
    /// The embedder the vectors are computed with.
    public var embedder: String
    public var createdAt: Date
    /// The provider's last refusal or failure, while the job is not complete.
    public var lastError: String?

    public init(id: String, state: EmbeddingJobState, documentIDs: [String], chunksTotal: Int, chunksEmbedded: Int, embedder: String,
                createdAt: Date, lastError: String? = nil) {
        self.id = id
        self.state = state
        self.documentIDs = documentIDs
        self.chunksTotal = chunksTotal
        self.chunksEmbedded = chunksEmbedded
        self.embedder = embedder
        self.createdAt = createdAt
        self.lastError = lastError
    }
}

/// `rag/embeddingJob` request: one of the company's embedding jobs.
public struct EmbeddingJobRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var jobID: String
    public init(companyID: CompanyID, jobID: String) {
        self.companyID = companyID
        self.jobID = jobID
    }
}
