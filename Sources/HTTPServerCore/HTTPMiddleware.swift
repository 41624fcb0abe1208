/// A step around request handling, with one shape: `handle(request, context, next)`.
///
/// A middleware may answer on its own (authentication failure), change the request or context before
/// calling `next`, or change the response after it.
public protocol HTTPMiddleware<Context>: Sendable {
    associatedtype Context: Sendable
    /// Handles `request`, usually by calling `next`.
    func handle(
        _ request: HTTPRequest, context: Context,
        next: @Sendable (HTTPRequest, Context) async throws -> HTTPResponse
    ) async throws -> HTTPResponse
}

/// Composes middleware around a final handler, outermost first.
public struct MiddlewareChain<Context: Sendable>: Sendable {
    public typealias Handler = @Sendable (HTTPRequest, Context) async throws -> HTTPResponse
    private let middleware: [any HTTPMiddleware<Context>]

    public init(_ middleware: [any HTTPMiddleware<Context>]) { self.middleware = middleware }

    /// Runs the chain, ending with `handler`.
    public func run(_ request: HTTPRequest, context: Context, handler: @escaping Handler) async throws -> HTTPResponse {
        try await step(0, request, context, handler)
    }

    private func step(_ index: Int, _ request: HTTPRequest, _ context: Context, _ handler: @escaping Handler) async throws -> HTTPResponse {
        guard index < middleware.count else { return try await handler(request, context) }
        return try await middleware[index].handle(request, context: context) { request, context in
            try await step(index + 1, request, context, handler)
        }
    }
}
