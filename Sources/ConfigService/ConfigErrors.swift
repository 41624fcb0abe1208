import ConfigStore
import Foundation
import Wire

/// Maps the config manager's errors to RPC statuses, with field-level problems in the error metadata.
enum ConfigErrors {
    static func rpcError(_ error: ConfigManager.ChangeError) -> RPCError {
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

    /// Runs a change; storage failures are also reported to `onStorage` (health).
    static func mapping<T>(
        onStorage: (ConfigManager.ChangeError?) -> Void = { _ in },
        _ body: () async throws(ConfigManager.ChangeError) -> T
    ) async throws(RPCError) -> T {
        do {
            let value = try await body()
            return value
        } catch {
            if case .storage = error { onStorage(error) }
            throw rpcError(error)
        }
    }

    private static func metadata(_ fields: [String: String]) -> Metadata {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        var metadata = Metadata()
        metadata[ConfigAPI.fieldErrorsMetadataKey] = String(decoding: data, as: UTF8.self)
        return metadata
    }
}
