/// The error of a failed RPC: a status code, a message and optional metadata.
///
/// Handlers throw it to answer with a specific code; any other error a handler throws reaches the
/// client as `unknown` without its details. Clients receive every failure, local or remote, as this type.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status code. Never `.ok`.
    public var code: StatusCode
    /// A human-readable explanation, safe to show to the caller.
    public var message: String
    /// Extra key/value pairs sent along with the error.
    public var metadata: Metadata

    /// Creates an error.
    public init(_ code: StatusCode, _ message: String, metadata: Metadata = Metadata()) {
        self.code = code == .ok ? .unknown : code
        self.message = message
        self.metadata = metadata
    }

    public var description: String { "\(code.name): \(message)" }

    /// The metadata key under which a service names the product error code of a failure (`slot_taken`,
    /// `outside_hours`…), which the gateway returns as the answer's `error.code`.
    public static let errorCodeMetadataKey = "error-code"

    /// An error with a product error code.
    public init(_ code: StatusCode, _ message: String, errorCode: String) {
        self.init(code, message, metadata: [Self.errorCodeMetadataKey: errorCode])
    }
}

/// A domain error that knows which RPC status it corresponds to.
public protocol RPCErrorConvertible: Error {
    /// The RPC error to send to the caller.
    var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
    public var rpcError: RPCError { self }
}
