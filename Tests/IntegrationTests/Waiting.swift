import Foundation

/// Polls `condition` every 10 ms until it holds (true) or `timeout` passes (false). Tests wait on
/// conditions this way, never on a fixed sleep that hopes something has happened by then.
func waitUntil(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}

/// Runs blocking `body` (raw socket I/O) on a thread of its own and returns its result, so that a slow
/// read never holds one of the few threads of Swift's cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
