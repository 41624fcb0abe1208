import Synchronization

/// A value protected by a mutex, for state shared between an event loop and other threads.
///
/// Unlike `Mutex`, the body may capture non-`Sendable` values (such as buffer pointers) that it only
/// copies into the state; callers must not let references to the state escape the body.
public final class LockedState<Value>: @unchecked Sendable {
    private let mutex = Mutex<Void>(())
    private var value: Value

    /// Creates the lock around an initial value.
    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        try mutex.withLock { _ in try body(&value) }
    }
}
