/// The RAG service's methods: per-tenant document ingestion and hybrid search.
///
/// Every method takes a ``TenantScopedRequest``: the server refuses a call whose tenant metadata names
/// another company, and the service works on that company's own index and rows only.
public enum RAGAPI {
    /// The Wire service name.
    public static let service = ServiceName.rag.rawValue
    /// Writes (or replaces) up to 1,000 documents; one result per document. Idempotent: a document's id
    /// (given, or derived from its content) makes a second write a replacement.
    public static let addDocuments = Method<AddDocumentsRequest, AddDocumentsResponse>(service: service, name: "addDocuments",
                                                                                          idempotent: true)
    /// Writes one uploaded file (text, Markdown, HTML or PDF, recognised from its bytes) as a document.
    public static let uploadDocument = Method<UploadDocumentRequest, UploadDocumentResponse>(service: service, name: "uploadDocument",
                                                                                             idempotent: true)
    /// Hybrid, vector or keyword search over the company's chunks.
    public static let searchDocuments = Method<SearchDocumentsRequest, SearchDocumentsResponse>(service: service, name: "searchDocuments", idempotent: true)
    /// One page of the company's documents, newest first.
    public static let listDocuments = Method<ListDocumentsRequest, ListDocumentsResponse>(service: service, name: "listDocuments", idempotent: true)
    /// One document with its chunks (`notFound` when it is not the company's).
    public static let getDocument = Method<DocumentReference, DocumentDetail>(service: service, name: "getDocument", idempotent: true)
    /// Deletes one document and its chunks (`notFound` when it is not the company's).
    public static let deleteDocument = Method<DocumentReference, DeleteDocumentResponse>(service: service, name: "deleteDocument")
    /// The company's knowledge base in numbers.
    public static let documentStats = Method<DocumentStatsRequest, DocumentStats>(service: service, name: "documentStats", idempotent: true)
    /// Each company's knowledge-base health (counts, last check, last recovery).
    public static let vectorstoreHealth = Method<VectorstoreHealthRequest, VectorstoreHealthResponse>(
        service: service, name: "vectorstoreHealth", idempotent: true)
    /// Checks one company now and rebuilds its index from the store.
    public static let forceRecovery = Method<ForceRecoveryRequest, VectorstoreTenantHealth>(service: service, name: "forceRecovery",
                                                                                            idempotent: true)
    /// One of the company's embedding jobs (`notFound` when it is not the company's).
    public static let embeddingJob = Method<EmbeddingJobRequest, EmbeddingJobStatus>(service: service, name: "embeddingJob",
                                                                                     idempotent: true)
    /// The most documents one `addDocuments` call may carry.
    /// Vectors for short texts with the company's embedder.
    public static let embedTexts = Method<EmbedTextsRequest, EmbedTextsResponse>(service: service, name: "embedTexts", idempotent: true)

    public static let maximumDocumentsPerCall = 1_000

    /// Every method the RAG service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [
        addDocuments.descriptor, uploadDocument.descriptor, searchDocuments.descriptor, listDocuments.descriptor, getDocument.descriptor,
        deleteDocument.descriptor, documentStats.descriptor, vectorstoreHealth.descriptor, forceRecovery.descriptor,
        embeddingJob.descriptor, embedTexts.descriptor,
    ]
}
