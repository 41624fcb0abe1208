import Wire

/// The methods a server serves, each with its type-erased handler.
public struct RPCRouter: Sendable {
    /// A handler working on encoded bytes.
    public typealias ErasedHandler = @Sendable ([UInt8], RPCContext) async -> Result<[UInt8], RPCError>

    private var handlers: [String: ErasedHandler] = [:]
    private var descriptors: [MethodDescriptor] = []

    /// Creates an empty router.
    public init() {}

    /// Registers the handler of `method`, replacing any earlier one.
    ///
    /// Errors the handler throws reach the client as follows: an ``RPCError`` (or ``RPCErrorConvertible``)
    /// as itself, `CancellationError` as `cancelled`, anything else as `unknown` without details.
    public mutating func register<Request, Response>(
        _ method: Method<Request, Response>,
        handler: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        if handlers[method.fullName] == nil { descriptors.append(method.descriptor) }
        handlers[method.fullName] = { payload, context in
            let request: Request
            do {
                request = try BinaryDecoder().decode(Request.self, from: payload)
            } catch {
                return .failure(RPCError(.internal, "cannot decode \(Request.self): \(error)"))
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
    }

    /// The handler for `service/name`, if registered.
    public func handler(for fullName: String) -> ErasedHandler? { handlers[fullName] }

    /// Every registered method, in registration order.
    public var methods: [MethodDescriptor] { descriptors }
}
