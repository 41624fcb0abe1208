import NetworkCore
import ServiceLogging
import Wire

/// What a server handler knows about the call it is serving.
///
/// Cancellation (client cancel, expired deadline, connection loss) is delivered as ordinary Swift task
/// cancellation: check `Task.isCancelled` or let a cancellable `await` throw `CancellationError`.
public struct RPCContext: Sendable {
    /// The method being called.
    public let method: MethodDescriptor
    /// The request's metadata (request id, tenant, caller...).
    public let metadata: Metadata
    /// The caller's deadline on this host's monotonic clock (nanoseconds), if it set one.
    public let deadlineNanoseconds: UInt64?
    /// A logger carrying the request's tenant and request id.
    public let logger: Logger
    /// The peer, for logs.
    public let peer: String
    /// Who is calling (established by the transport, not by the handler).
    public let caller: CallerIdentity

    /// Creates a context (servers create these; tests may too).
    public init(method: MethodDescriptor, metadata: Metadata, deadlineNanoseconds: UInt64?, logger: Logger, peer: String,
                caller: CallerIdentity = CallerIdentity(name: nil, proof: .none)) {
        self.method = method
        self.metadata = metadata
        self.deadlineNanoseconds = deadlineNanoseconds
        self.logger = logger
        self.peer = peer
        self.caller = caller
    }

    /// Time left until the deadline (zero once it has passed), or nil without a deadline.
    public var remaining: Duration? {
        guard let deadline = deadlineNanoseconds else { return nil }
        let now = MonotonicTime.now()
        return deadline > now ? .nanoseconds(Int64(deadline - now)) : .zero
    }

    /// The tenant the call acts for, when its metadata names a valid one.
    public var tenant: CompanyID? { metadata.tenant.flatMap(CompanyID.init) }
}
