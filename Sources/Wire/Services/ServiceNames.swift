/// The five services of the product and the names they go by in configuration, logs and Wire.
public enum ServiceName: String, Sendable, CaseIterable, Codable {
    /// The HTTP/TLS front door: tenant resolution, authentication, fan-out to the other services.
    case gateway
    /// Companies, prompts, API keys and their propagation.
    case config
    /// The conversation router and the agents.
    case agent
    /// Per-tenant hybrid retrieval.
    case rag
    /// Audio transcription, image description and OCR.
    case media

    /// The executable's name.
    public var executableName: String {
        switch self {
        case .gateway: return "gateway"
        case .config: return "config-service"
        case .agent: return "agent-service"
        case .rag: return "rag-service"
        case .media: return "media-service"
        }
    }

    /// The environment variable holding this service's Wire address (e.g. `CONFIG_SERVICE_ADDRESS`).
    public var addressVariable: String {
        switch self {
        case .gateway: return "GATEWAY_WIRE_ADDRESS"
        default: return "\(rawValue.uppercased())_SERVICE_ADDRESS"
        }
    }
}
