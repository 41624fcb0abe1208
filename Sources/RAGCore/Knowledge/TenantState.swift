import Foundation
import Synchronization

/// What the knowledge base keeps per tenant besides the data: the lock that serialises its writes, its
/// index (loading or loaded), how far that index has followed the store, and its background embedding.
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
    /// The embedders the tenant's indexes were built with, by identifier: a query is embedded by the one
    /// its index's vectors come from, even while a re-index moves the tenant to another.
    let embedders = Mutex<[String: any Embedder]>([:])
    /// The background embedding (pending vectors, re-index) and what it last did.
    let embedding = Mutex(EmbeddingRecord())

    /// The outcome of a tenant's last check.
    struct CheckRecord: Sendable {
        var healthy = true
        var documents = 0
        var chunks = 0
        var lastCheck: Date?
        var lastRecovery: Date?
        var lastProblem: String?
    }

    /// The tenant's background embedding: its task (at most one), whether more work was asked for while
    /// it ran, and its progress.
    struct EmbeddingRecord: Sendable {
        var worker: Task<Void, Never>?
        var requested = false
        /// The embedder a running re-index moves the tenant to.
        var reindexTarget: String?
        var reindexDone = 0
        var reindexTotal = 0
        /// The provider's last failure (cleared by the next success) and whether it was permanent.
        var lastError: String?
        var failing = false
    }

    /// The loaded index, if the load has finished and succeeded.
    var loadedIndex: TenantIndex? {
        get async {
            guard let task = index.withLock({ $0 }) else { return nil }
            return try? await task.value
        }
    }

    /// The index without waiting: set once a load has succeeded (and by every swap), nil before.
    var readyIndex: TenantIndex? { ready.withLock { $0 } }
    private let ready = Mutex<TenantIndex?>(nil)

    /// Records a finished load.
    func loaded(_ index: TenantIndex) {
        ready.withLock { $0 = index }
    }

    /// Forgets the index (a purge).
    func unload() {
        ready.withLock { $0 = nil }
    }

    /// Replaces the index by an already built one, made with `embedder`.
    func install(_ built: TenantIndex, embedder: any Embedder) {
        remember(embedder)
        index.withLock { $0 = Task { built } }
        loaded(built)
    }

    /// Records the embedder an index is built with.
    func remember(_ embedder: any Embedder) {
        embedders.withLock { $0[embedder.identifier] = embedder }
    }

    /// The embedder whose vectors `index` holds.
    func embedder(of index: TenantIndex) -> (any Embedder)? {
        embedders.withLock { $0[index.embedderIdentifier] }
    }
}
