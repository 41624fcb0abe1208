import Foundation
import Wire

/// Maps the config manager's errors to RPC statuses, with field-level problems in the error metadata.
public enum ConfigErrors {
    public static func rpcError(_ error: ConfigManager.ChangeError) -> RPCError {
        switch error {
        case .notFound(let message): return RPCError(.notFound, message)
        case .invalid(let fields): return RPCError(.invalidArgument, "The company has invalid fields.", metadata: metadata(fields))
        case .conflict(let fields):
            return RPCError(.alreadyExists, "Another company already uses some of these values.", metadata: metadata(fields))
        case .stale(let current):
            return RPCError(.failedPrecondition, "The company changed since it was read (current revision \(current)).",
                            metadata: ["revision": String(current)])
        case .storage(let message): return RPCError(.unavailable, "The configuration store is unavailable: \(message)")
        }
    }

    private static func metadata(_ fields: [String: String]) -> Metadata {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        var metadata = Metadata()
        metadata[ConfigAPI.fieldErrorsMetadataKey] = String(decoding: data, as: UTF8.self)
        return metadata
    }
}
