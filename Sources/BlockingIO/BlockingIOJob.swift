import Synchronization

/// What a job running on a ``BlockingIOPool`` can learn about, and do about, its caller giving up.
///
/// A caller that is cancelled or whose time limit passes is answered at once; the job keeps its thread
/// until its body returns. Bodies that can stop early register a handler with ``onCancel(_:)`` (for
/// example `sqlite3_interrupt`, `PQcancel` or shutting down a socket) or poll ``isCancelled`` between steps.
///
/// Handlers run under the job's lock and never after the body has returned, so a handler cannot disturb
/// the next job that uses the same connection.
public final class BlockingIOJob: Sendable {
    private struct State {
        var cancelled = false
        var finished = false
        var handlers: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Whether the caller has given up on this job.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Runs `handler` when the caller gives up while the body runs (at once if it already has). Called
    /// from the thread that cancels, so it must be safe to call while the body is blocked in C code, and
    /// quick: the body's return waits for it.
    public func onCancel(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { state in
            guard !state.finished else { return }
            if state.cancelled {
                handler()
            } else {
                state.handlers.append(handler)
            }
        }
    }

    /// Marks the caller as gone and runs the handlers, unless the body already returned.
    func cancel() {
        state.withLock { state in
            guard !state.cancelled else { return }
            state.cancelled = true
            guard !state.finished else { return }
            for handler in state.handlers { handler() }
            state.handlers = []
        }
    }

    /// Marks the body as returned: from now on cancellation runs no handler.
    func complete() {
        state.withLock { state in
            state.finished = true
            state.handlers = []
        }
    }
}
