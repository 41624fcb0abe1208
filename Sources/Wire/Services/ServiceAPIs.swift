/// The config service's methods: companies, prompts, API keys (see the tenants issue).
public enum ConfigAPI {
    /// The Wire service name.
    public static let service = ServiceName.config.rawValue
    /// Every method the config service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}

/// The agent service's methods: conversations, router and agents.
public enum AgentAPI {
    /// The Wire service name.
    public static let service = ServiceName.agent.rawValue
    /// Every method the agent service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}

/// The RAG service's methods: per-tenant document ingestion and hybrid search.
public enum RAGAPI {
    /// The Wire service name.
    public static let service = ServiceName.rag.rawValue
    /// Every method the RAG service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}

/// The media service's methods: transcription, image description, OCR.
public enum MediaAPI {
    /// The Wire service name.
    public static let service = ServiceName.media.rawValue
    /// Every method the media service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}

/// The gateway's own Wire methods (health aggregation for operators and the launcher).
public enum GatewayAPI {
    /// The Wire service name.
    public static let service = ServiceName.gateway.rawValue
    /// Every method the gateway serves over Wire, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}
