import Foundation
import Synchronization

/// What the knowledge base keeps per tenant besides the data: the lock that serialises its writes, its
/// index (loading or loaded), and how far that index has followed the store.
final class TenantState: Sendable {
    /// Held by every change of the tenant's index: local writes, catching up with the store, snapshots.
    let writes = AsyncLock()
    /// The index, as the task that loads it (a finished task once loaded).
    let index = Mutex<Task<TenantIndex, any Error>?>(nil)
    /// Changed since its last snapshot.
    let dirty = Atomic<Bool>(false)
    /// The store version whose changes the index is known to hold (it may hold later ones too).
    let followed = Atomic<UInt64>(0)
    /// What the last check found.
    let health = Mutex(CheckRecord())

    /// The outcome of a tenant's last check.
    struct CheckRecord: Sendable {
        var healthy = true
        var documents = 0
        var chunks = 0
        var lastCheck: Date?
        var lastRecovery: Date?
        var lastProblem: String?
    }

    /// The loaded index, if the load has finished and succeeded.
    var loadedIndex: TenantIndex? {
        get async {
            guard let task = index.withLock({ $0 }) else { return nil }
            return try? await task.value
        }
    }

    /// Replaces the index by an already built one.
    func install(_ built: TenantIndex) {
        index.withLock { $0 = Task { built } }
    }
}
