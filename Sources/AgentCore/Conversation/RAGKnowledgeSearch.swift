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
