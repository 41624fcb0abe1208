import Foundation

/// How a search ranks chunks.
public enum SearchMode: String, Codable, Sendable, CaseIterable {
    /// BM25 keywords and vector similarity, fused by reciprocal rank.
    case hybrid
    /// Vector similarity only.
    case vector
    /// BM25 keywords only.
    case keyword
}

/// The text form a metadata scalar is indexed and filtered by, shared by the gateway (filter values) and
/// the RAG service (document fields), so `12`, `12.0` and `"12"` all match a document whose field is 12.
public enum MetadataText {
    /// A number: integral values without a fraction (`12`), others in Swift's shortest form (`0.5`).
    public static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    public static func bool(_ value: Bool) -> String { value ? "true" : "false" }
}

/// One document to write: its text, an optional title, client id and JSON metadata.
public struct DocumentInput: Codable, Sendable, Equatable {
    /// The client's id for the document; when nil, the id is derived from the content (so the same
    /// content written twice replaces itself).
    public var id: String?
    public var title: String?
    public var content: String
    /// A JSON object; its top-level strings, numbers, booleans and arrays of them are filterable fields.
    public var metadataJSON: String?

    public init(id: String? = nil, title: String? = nil, content: String, metadataJSON: String? = nil) {
        self.id = id
        self.title = title
        self.content = content
        self.metadataJSON = metadataJSON
    }
}

/// `rag/addDocuments` request: up to 1,000 documents for one company.
public struct AddDocumentsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var documents: [DocumentInput]
    public init(companyID: CompanyID, documents: [DocumentInput]) {
        self.companyID = companyID
        self.documents = documents
    }
}

/// The outcome of writing one document of an ``AddDocumentsRequest``.
public struct DocumentWriteResult: Codable, Sendable, Equatable {
    /// The document's position in the request.
    public var index: Int
    /// The document's id, on success.
    public var documentID: String?
    public var chunkCount: Int
    /// Whether an earlier version of the document was replaced.
    public var replaced: Bool
    /// Why the document was not written (`invalid_argument`, `quota_exceeded`...), on failure.
    public var errorCode: String?
    public var errorMessage: String?

    public init(index: Int, documentID: String? = nil, chunkCount: Int = 0, replaced: Bool = false,
                errorCode: String? = nil, errorMessage: String? = nil) {
        self.index = index
        self.documentID = documentID
        self.chunkCount = chunkCount
        self.replaced = replaced
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}

/// `rag/addDocuments` response: one result per document, in request order.
public struct AddDocumentsResponse: Codable, Sendable, Equatable {
    public var results: [DocumentWriteResult]
    /// Set when the written chunks get their vectors in the background (the company's embedder is a
    /// remote model and the write was more than a moment's work): the gateway answers 202 with it.
    public var job: EmbeddingJobStatus?
    public init(results: [DocumentWriteResult], job: EmbeddingJobStatus? = nil) {
        self.results = results
        self.job = job
    }
}

/// `rag/searchDocuments` request.
public struct SearchDocumentsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var query: String
    /// How many chunks to return (1...50).
    public var k: Int
    /// Metadata field → accepted values (a chunk matches when, for every field, one of its values is accepted).
    public var filter: [String: [String]]
    /// Chunks scoring below this are left out (the score of the mode: cosine, BM25 or fused).
    public var minScore: Double?
    public var mode: SearchMode

    public init(companyID: CompanyID, query: String, k: Int = 5, filter: [String: [String]] = [:], minScore: Double? = nil,
                mode: SearchMode = .hybrid) {
        self.companyID = companyID
        self.query = query
        self.k = k
        self.filter = filter
        self.minScore = minScore
        self.mode = mode
    }
}

/// One chunk a search found.
public struct SearchHit: Codable, Sendable, Equatable {
    public var documentID: String
    public var title: String
    public var chunkIndex: Int
    public var heading: String
    public var content: String
    public var score: Double
    public var metadataJSON: String
    public init(documentID: String, title: String, chunkIndex: Int, heading: String, content: String, score: Double,
                metadataJSON: String) {
        self.documentID = documentID
        self.title = title
        self.chunkIndex = chunkIndex
        self.heading = heading
        self.content = content
        self.score = score
        self.metadataJSON = metadataJSON
    }
}

/// `rag/searchDocuments` response.
public struct SearchDocumentsResponse: Codable, Sendable, Equatable {
    public var results: [SearchHit]
    /// The mode that ran: `keyword` when a hybrid search could not embed its query (the company's
    /// embeddings provider failed) and fell back to keywords, with ``note`` saying why.
    public var mode: SearchMode
    /// Time spent in the service (query embedding, both searches, fusion).
    public var milliseconds: Double
    public var note: String?
    public init(results: [SearchHit], mode: SearchMode, milliseconds: Double, note: String? = nil) {
        self.results = results
        self.mode = mode
        self.milliseconds = milliseconds
        self.note = note
    }
}

/// `rag/listDocuments` request: one page, newest first (ties by id).
public struct ListDocumentsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var page: Int
    public var pageSize: Int
    /// Only documents whose metadata `category` is this.
    public var category: String?
    public init(companyID: CompanyID, page: Int = 1, pageSize: Int = 20, category: String? = nil) {
        self.companyID = companyID
        self.page = page
        self.pageSize = pageSize
        self.category = category
    }
}

/// A document without its full text.
public struct DocumentSummary: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    /// The first 200 characters of the content.
    public var contentPreview: String
    public var metadataJSON: String
    public var createdAt: Date
    public var updatedAt: Date
    public var chunkCount: Int
    public init(id: String, title: String, contentPreview: String, metadataJSON: String, createdAt: Date, updatedAt: Date,
                chunkCount: Int) {
        self.id = id
        self.title = title
        self.contentPreview = contentPreview
        self.metadataJSON = metadataJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.chunkCount = chunkCount
    }
}

/// `rag/listDocuments` response.
public struct ListDocumentsResponse: Codable, Sendable, Equatable {
    public var total: Int
    public var documents: [DocumentSummary]
    public init(total: Int, documents: [DocumentSummary]) {
        self.total = total
        self.documents = documents
    }
}

/// A request naming one document of a company (`rag/getDocument`, `rag/deleteDocument`).
public struct DocumentReference: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var documentID: String
    public init(companyID: CompanyID, documentID: String) {
        self.companyID = companyID
        self.documentID = documentID
    }
}

/// One chunk of a document as stored.
public struct ChunkDescription: Codable, Sendable, Equatable {
    public var index: Int
    public var heading: String
    public var content: String
    public init(index: Int, heading: String, content: String) {
        self.index = index
        self.heading = heading
        self.content = content
    }
}

/// `rag/getDocument` response: the whole document and its chunks.
public struct DocumentDetail: Codable, Sendable, Equatable {
    public var summary: DocumentSummary
    public var content: String
    public var chunks: [ChunkDescription]
    public init(summary: DocumentSummary, content: String, chunks: [ChunkDescription]) {
        self.summary = summary
        self.content = content
        self.chunks = chunks
    }
}

/// `rag/deleteDocument` response.
public struct DeleteDocumentResponse: Codable, Sendable, Equatable {
    public var documentID: String
    public var chunksRemoved: Int
    public init(documentID: String, chunksRemoved: Int) {
        self.documentID = documentID
        self.chunksRemoved = chunksRemoved
    }
}

/// `rag/documentStats` request.
public struct DocumentStatsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// `rag/documentStats` response: one company's knowledge base in numbers.
public struct DocumentStats: Codable, Sendable, Equatable {
    public var documents: Int
    public var chunks: Int
    /// Documents per metadata `category` (documents without one under `""`).
    public var categories: [String: Int]
    public var embedder: String
    public var dimensions: Int
    /// The in-memory index's approximate size.
    public var indexBytes: Int
    public var maximumDocuments: Int
    public init(documents: Int, chunks: Int, categories: [String: Int], embedder: String, dimensions: Int, indexBytes: Int,
                maximumDocuments: Int) {
        self.documents = documents
        self.chunks = chunks
        self.categories = categories
        self.embedder = embedder
        self.dimensions = dimensions
        self.indexBytes = indexBytes
        self.maximumDocuments = maximumDocuments
    }
}

/// `rag/uploadDocument` request: a file whose type is recognised from its bytes (text, Markdown, HTML, PDF).
public struct UploadDocumentRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var filename: String
    public var data: [UInt8]
    public var id: String?
    public var title: String?
    public var metadataJSON: String?
    public init(companyID: CompanyID, filename: String, data: [UInt8], id: String? = nil, title: String? = nil, metadataJSON: String? = nil) {
        self.companyID = companyID
        self.filename = filename
        self.data = data
        self.id = id
        self.title = title
        self.metadataJSON = metadataJSON
    }
}

/// `rag/uploadDocument` response: the write's result (`unsupported_media_type` when the bytes are of no
/// known type or a PDF cannot be read) and the type recognised.
public struct UploadDocumentResponse: Codable, Sendable, Equatable {
    public var result: DocumentWriteResult
    public var format: String?
    /// How many characters of text the file gave.
    public var extractedCharacters: Int
    /// Set when the chunks get their vectors in the background (see ``AddDocumentsResponse/job``).
    public var job: EmbeddingJobStatus?
    public init(result: DocumentWriteResult, format: String?, extractedCharacters: Int, job: EmbeddingJobStatus? = nil) {
        self.result = result
        self.format = format
        self.extractedCharacters = extractedCharacters
        self.job = job
    }
}

/// `rag/embedTexts` request: vectors for short texts with the company's embedder (the agent service's
/// exemplar router uses it), at most ``maximumTexts`` of at most ``maximumLength`` characters.
public struct EmbedTextsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public static let maximumTexts = 64
    public static let maximumLength = 2_000
    public var companyID: CompanyID
    public var texts: [String]
    public init(companyID: CompanyID, texts: [String]) {
        self.companyID = companyID
        self.texts = texts
    }
}

/// `rag/embedTexts` response: one L2-normalised vector per text (embedded as a search query), in order.
public struct EmbedTextsResponse: Codable, Sendable, Equatable {
    /// The embedder's identifier (vectors of different embedders are not comparable).
    public var embedder: String
    public var vectors: [[Float]]
    public init(embedder: String, vectors: [[Float]]) {
        self.embedder = embedder
        self.vectors = vectors
    }
}
