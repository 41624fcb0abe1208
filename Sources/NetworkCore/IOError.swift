import Glibc

/// A failed system call: what was attempted and the `errno` it returned.
public struct IOError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The operation, e.g. `connect`.
    public var operation: String
    /// The `errno` value.
    public var code: Int32
    /// Extra context (an address, a path).
    public var detail: String

    /// Creates an error from an explicit code.
    public init(_ operation: String, code: Int32, detail: String = "") {
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// Captures the current thread's `errno`. Call immediately after the failing call.
    public static func last(_ operation: String, detail: String = "") -> IOError {
        IOError(operation, code: errno, detail: detail)
    }

    public var description: String {
        let reason = String(cString: strerror(code))
        return detail.isEmpty ? "\(operation) failed: \(reason)" : "\(operation) \(detail) failed: \(reason)"
    }
}

/// Errors of the networking layer other than plain system-call failures.
public enum NetworkError: Error, Sendable, CustomStringConvertible, Equatable {
    /// An address string could not be parsed.
    case invalidAddress(String)
    /// A host name did not resolve.
    case unresolvable(String)
    /// The connection was closed.
    case closed
    /// A connect did not complete in time.
    case connectTimeout
    /// A TLS handshake did not complete in time.
    case handshakeTimeout
    /// The peer left more output unread than the channel may hold.
    case writeBufferFull
    /// TLS setup or the handshake failed.
    case tls(String)
    /// A system call failed.
    case io(IOError)
    /// The configuration cannot work (for example a TCP listener without caller authentication).
    case misconfigured(String)

    public var description: String {
        switch self {
        case .invalidAddress(let text): return "invalid address '\(text)'"
        case .unresolvable(let host): return "cannot resolve '\(host)'"
        case .closed: return "connection closed"
        case .connectTimeout: return "connect timed out"
        case .handshakeTimeout: return "TLS handshake timed out"
        case .writeBufferFull: return "the peer is not reading: write buffer full"
        case .tls(let message): return "TLS: \(message)"
        case .io(let error): return error.description
        case .misconfigured(let message): return message
        }
    }
}
