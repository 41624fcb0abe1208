import Wire
import WireRPC

/// ``KnowledgeSearch`` through the RAG service's `rag/searchDocuments` (hybrid mode), with the company as the
/// call's tenant (so the RAG client's tenant affinity picks the company's replica).
public struct RAGKnowledgeSearch: KnowledgeSearch {
    let client: RPCClient

    public init(client: RPCClient) { self.client = client }

    public func search(_ query: String, company: CompanyID, k: Int) async -> [SearchHit]? {
        var metadata = Metadata()
        metadata.tenant = company.rawValue
        let request = SearchDocumentsRequest(companyID: company, query: String(query.prefix(1_000)), k: k)
        return try? await client.call(RAGAPI.searchDocuments, request, metadata: metadata, timeout: .seconds(3)).results
    }
}

/// ``TextEmbedding`` through the RAG service's `rag/embedTexts` (the company's own embedder), in batches of
/// at most 64 texts, with the company as the call's tenant; nil when the service or its embedder fails.
public struct RAGTextEmbedding: TextEmbedding {
    let client: RPCClient

    public init(client: RPCClient) { self.client = client }

    public func embed(_ texts: [String], company: CompanyID) async -> (embedder: String, vectors: [[Float]])? {
        var metadata = Metadata()
        metadata.tenant = company.rawValue
        var embedder = "", vectors: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: EmbedTextsRequest.maximumTexts) {
            let batch = texts[start..<min(texts.count, start + EmbedTextsRequest.maximumTexts)].map { String($0.prefix(EmbedTextsRequest.maximumLength)) }
            // A patient's message waits at most 2 s for its vector (then the router's default stands); the
            // exemplars, embedded once per company, may take longer.
            guard let answer = try? await client.call(RAGAPI.embedTexts, EmbedTextsRequest(companyID: company, texts: batch), metadata: metadata,
                                                      timeout: texts.count == 1 ? .seconds(2) : .seconds(20)),
                  answer.vectors.count == batch.count, embedder.isEmpty || embedder == answer.embedder else { return nil }
            embedder = answer.embedder
            vectors += answer.vectors
        }
        return (embedder, vectors)
    }
}
