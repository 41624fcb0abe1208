/// A typed description of one unary RPC method: its service, its name and its message types.
///
/// Clients and servers share these values (declared in the per-service namespaces), so both sides agree
/// on the method's wire name and on the types of its request and response.
public struct Method<Request: Codable & Sendable, Response: Codable & Sendable>: Sendable, Hashable {
    /// The service the method belongs to, e.g. `config`.
    public let service: String
    /// The method's name within its service, e.g. `getCompany`.
    public let name: String
    /// Whether running the call twice has the effect of running it once (reads, writes by id): a client
    /// may then send it again to another endpoint when the connection carrying it is lost mid-call.
    public let idempotent: Bool

    /// Creates a method descriptor.
    public init(service: String, name: String, idempotent: Bool = false) {
        self.service = service
        self.name = name
        self.idempotent = idempotent
    }

    /// The name carried in request frames: `service/name`.
    public var fullName: String { "\(service)/\(name)" }

    /// The type-erased descriptor.
    public var descriptor: MethodDescriptor { MethodDescriptor(service: service, name: name) }
}

/// A method's identity without its types, for listings and routing tables.
public struct MethodDescriptor: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The service the method belongs to.
    public var service: String
    /// The method's name within its service.
    public var name: String

    /// Creates a descriptor.
    public init(service: String, name: String) {
        self.service = service
        self.name = name
    }

    /// `service/name`.
    public var fullName: String { "\(service)/\(name)" }
    public var description: String { fullName }
}
