import Wire
import WireRPC

/// The RAG service's Wire API. It holds no tenant data yet: per-tenant documents, chunking, embeddings and
/// hybrid search arrive with the knowledge issue and register here, replacing the purge that has nothing
/// to erase.
public struct RAGService: Sendable {
    public init() {}

    /// Registers the methods.
    public func register(on router: inout RPCRouter) {
        router.registerNoTenantDataPurge(service: ServiceName.rag.rawValue)
    }
}
