/// Who is calling, and how the server knows.
public struct CallerIdentity: Sendable, Equatable, CustomStringConvertible {
    /// How the caller's identity was established.
    public enum Proof: Sendable, Equatable {
        /// A Unix-socket peer running as this process's user (checked with `SO_PEERCRED`); its name is
        /// the one it gives in the `caller` metadata.
        case localSocket
        /// A TCP caller that presented the shared service credential for its `caller` name.
        case serviceCredential
        /// A TCP caller with a client certificate signed by the configured CA; its name is the
        /// certificate's common name.
        case clientCertificate
        /// Nothing (a TCP listener explicitly opened without caller authentication, for development).
        case none
    }

    /// The caller's name (`gateway`, `agent`...), when it gave or proved one.
    public var name: String?
    public var proof: Proof

    public init(name: String?, proof: Proof) {
        self.name = name
        self.proof = proof
    }

    /// Whether the caller is a known part of the system.
    public var isAuthenticated: Bool { proof != .none && name != nil }

    /// Whether the caller is authenticated and named one of `names`.
    public func isOne(of names: Set<String>) -> Bool {
        guard isAuthenticated, let name else { return false }
        return names.contains(name)
    }

    public var description: String { "\(name ?? "anonymous") (\(proof))" }
}
