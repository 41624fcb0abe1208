/// The RAG service's methods: per-tenant document ingestion and hybrid search.
public enum RAGAPI {
    /// The Wire service name.
    public static let service = ServiceName.rag.rawValue
    /// Every method the RAG service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}
