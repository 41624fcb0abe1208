import Wire

/// Why a knowledge-base call failed, as the RAG service reports it.
public enum KnowledgeError: Error, Sendable, Equatable, RPCErrorConvertible {
    /// The company is unknown to the service (or not active).
    case unknownCompany(CompanyID)
    /// A request field is out of bounds.
    case invalidArgument(String)
    /// The company has no document with this id.
    case documentNotFound(String)
    /// The company has no embedding job with this id (or it is older than a week).
    case jobNotFound(String)
    /// The store or index failed.
    case unavailable(String)

    public var rpcError: RPCError {
        switch self {
        case .unknownCompany(let id): return RPCError(.notFound, "unknown company '\(id)'")
        case .invalidArgument(let message): return RPCError(.invalidArgument, message)
        case .documentNotFound(let id): return RPCError(.notFound, "no document '\(id)'")
        case .jobNotFound(let id): return RPCError(.notFound, "no embedding job '\(id)'")
        case .unavailable(let message): return RPCError(.unavailable, message)
        }
    }
}
