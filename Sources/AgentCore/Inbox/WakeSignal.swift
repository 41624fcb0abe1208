import Synchronization

/// Wakes an inbox worker when an event is stored, so they need not poll quickly. A worker notes the
/// ``generation`` before it looks for work and waits with it: a signal given in between is not lost.
final class WakeSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waits that ended before their continuation was registered (it then resumes at once).
        var ended: Set<UInt64> = []
    }

    private let state = Mutex(State())

    var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes one waiting worker, the one waiting longest (one stored event needs one worker: waking them all
    /// would have every idle worker query the inbox for it). A worker that is not waiting sees the new
    /// generation when it next waits, and does not wait then.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.generation &+= 1
            guard let oldest = state.waiters.keys.min() else { return nil }
            return state.waiters.removeValue(forKey: oldest)
        }
        waiter?.resume()
    }

    /// Returns at the first signal after `generation` (at once if one came already), or after `timeout`.
    func wait(after generation: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = self.state.withLock { state -> Bool in
                        if state.generation != generation || state.ended.remove(id) != nil { return true }
                        state.waiters[id] = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            _ = await group.next()
            // Whichever came first, the other child must end: resume the waiter if it is still registered.
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                if state.generation == generation { state.ended.insert(id) }
                return nil
            }
            waiter?.resume()
            group.cancelAll()
        }
    }
}
