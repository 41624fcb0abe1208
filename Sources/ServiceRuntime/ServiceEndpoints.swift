import Foundation
import NetworkCore
import Wire

/// Resolves where each service listens, from flags and environment, with a local default.
///
/// A service's Wire address comes from its `<NAME>_SERVICE_ADDRESS` variable (comma-separated for several
/// endpoints, e.g. RAG replicas) or defaults to `unix:$WIRE_RUN_DIR/<service>.sock`, with `WIRE_RUN_DIR`
/// defaulting to `.run` in the working directory.
public struct ServiceEndpoints: Sendable {
    private let options: CommandLineOptions

    /// Creates the resolver.
    public init(options: CommandLineOptions) { self.options = options }

    /// The run directory for Unix sockets and local data.
    public var runDirectory: String {
        options.value("run-dir", environment: "WIRE_RUN_DIR") ?? ".run"
    }

    /// The addresses of `service`'s endpoints.
    public func addresses(of service: ServiceName) throws(NetworkError) -> [SocketAddress] {
        let texts = options.values("\(service.rawValue)-address", environment: service.addressVariable)
        if texts.isEmpty { return [.unix(path: "\(runDirectory)/\(service.rawValue).sock")] }
        var result: [SocketAddress] = []
        for text in texts { result.append(try SocketAddress(parsing: text)) }
        return result
    }

    /// The addresses `service` should listen on: `--listen` (repeatable), else its own address variable.
    public func listenAddresses(for service: ServiceName) throws(NetworkError) -> [SocketAddress] {
        let texts = options.values("listen", environment: "WIRE_LISTEN")
        if texts.isEmpty {
            // A service listens on the first of its own addresses (the others are its replicas).
            return Array(try addresses(of: service).prefix(1))
        }
        var result: [SocketAddress] = []
        for text in texts { result.append(try SocketAddress(parsing: text)) }
        return result
    }
}
