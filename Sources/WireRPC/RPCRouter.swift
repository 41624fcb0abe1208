import Wire

/// The methods a server serves, each with its type-erased handler and where it runs.
public struct RPCRouter: Sendable {
    /// A handler working on encoded bytes.
    public typealias ErasedHandler = @Sendable ([UInt8], RPCContext) async -> Result<[UInt8], RPCError>

    /// One registered method.
    public struct Entry: Sendable {
        public let handler: ErasedHandler
        public let execution: HandlerExecution
    }

    private var entries: [String: Entry] = [:]
    private var descriptors: [MethodDescriptor] = []

    /// Creates an empty router.
    public init() {}

    /// Registers the handler of `method`, replacing any earlier one.
    ///
    /// - Parameter execution: where the handler runs (see ``HandlerExecution``).
    ///
    /// When `Request` is a `TenantScopedRequest`, a call whose `tenant` metadata does not name the
    /// request's company fails with `permissionDenied` before the handler runs. Errors the handler throws
    /// reach the client as follows: an ``RPCError`` (or ``RPCErrorConvertible``) as itself,
    /// `CancellationError` as `cancelled`, anything else as `unknown` without details.
    public mutating func register<Request, Response>(
        _ method: Method<Request, Response>, execution: HandlerExecution,
        handler: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        if entries[method.fullName] == nil { descriptors.append(method.descriptor) }
        let tenantScoped = Request.self is any TenantScopedRequest.Type
        let erased: ErasedHandler = { payload, context in
            let request: Request
            do {
                request = try BinaryDecoder().decode(Request.self, from: payload)
            } catch {
                return .failure(RPCError(.internal, "cannot decode \(Request.self): \(error)"))
            }
            if tenantScoped, let scoped = request as? any TenantScopedRequest, scoped.companyID.rawValue != context.metadata.tenant {
                context.logger.warning("\(method.fullName) for \(scoped.companyID) refused: the call's tenant is \(context.metadata.tenant ?? "missing")")
                return .failure(RPCError(.permissionDenied,
                                         "the call's tenant metadata (\(context.metadata.tenant ?? "none")) does not match company \(scoped.companyID)"))
            }
            do {
                let response = try await handler(request, context)
                return .success(try BinaryEncoder().encode(response))
            } catch let error as any RPCErrorConvertible {
                return .failure(error.rpcError)
            } catch is CancellationError {
                return .failure(RPCError(.cancelled, "the call was cancelled"))
            } catch let error as BinaryCodingError {
                context.logger.error("\(method.fullName): cannot encode response: \(error)")
                return .failure(RPCError(.internal, "cannot encode \(Response.self)"))
            } catch {
                context.logger.error("\(method.fullName) failed: \(error)")
                return .failure(RPCError(.unknown, "Service method threw an unknown error."))
            }
        }
        entries[method.fullName] = Entry(handler: erased, execution: execution)
    }

    /// The entry for `service/name`, if registered.
    public func entry(for fullName: String) -> Entry? { entries[fullName] }

    /// The handler for `service/name`, if registered.
    public func handler(for fullName: String) -> ErasedHandler? { entries[fullName]?.handler }

    /// Every registered method, in registration order.
    public var methods: [MethodDescriptor] { descriptors }
}
