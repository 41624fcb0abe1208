import Foundation
import TenantStorage
import Wire

/// Loading, following and snapshotting each tenant's index.
///
/// One mechanism serves start-up, replicas and recovery: the store numbers every change of a tenant and
/// logs, per document, the version of its last change (``DocumentStore/changes(in:after:)``). An index
/// remembers the version it has followed (``TenantState/followed``); catching up re-reads only the
/// documents changed since, and a purge (or a store that went back in time) makes it rebuild. A
/// snapshot is stamped with the followed version, so an older snapshot plus a catch-up is a current index.
extension KnowledgeBase {
    /// The tenant's index, loading it on first use (concurrent first calls share one load).
    public func index(for scope: TenantScope) async throws(KnowledgeError) -> TenantIndex {
        let tenant = tenant(scope.companyID)
        let task = tenant.index.withLock { current -> Task<TenantIndex, any Error> in
            if let current { return current }
            let load = Task {
                let index = try await self.load(scope, tenant: tenant)
                tenant.loaded(index)
                return index
            }
            current = load
            return load
        }
        do {
            return try await task.value
        } catch {
            // A failed load is forgotten, so the next call tries again.
            tenant.index.withLock { if $0 == task { $0 = nil } }
            throw error as? KnowledgeError ?? .unavailable("cannot load the index of \(scope.companyID): \(error)")
        }
    }

    /// The tenant's index: its snapshot brought up to date with the store's change log when there is a
    /// usable one, otherwise rebuilt from the store (and marked for the next snapshot).
    func load(_ scope: TenantScope, tenant: TenantState) async throws(KnowledgeError) -> TenantIndex {
        let embedder = await resolvedEmbedder(for: scope.companyID)
        tenant.remember(embedder)
        let version = try await storeVersion(scope)
        // Whatever was left unembedded (a restart during a job or a re-index) is picked up again.
        defer { scheduleEmbedding(scope) }
        if let path = snapshotPath(scope), embedder.dimensions > 0 {
            let dimensions = embedder.dimensions, identifier = embedder.identifier, layout = Self.layout(for: embedder)
            let restored = try await onPool { _ in
                TenantIndex.readSnapshot(from: path, scope: scope, dimensions: dimensions, layout: layout, embedder: identifier)
            }
            if let (index, stamped) = restored, stamped <= version {
                tenant.followed.store(stamped, ordering: .relaxed)
                if try await catchUp(index, scope: scope, tenant: tenant) { return index }
            }
        }
        let index = try await rebuild(scope, embedder: embedder)
        tenant.followed.store(version, ordering: .relaxed)
        if snapshotDirectory != nil { tenant.dirty.store(true, ordering: .relaxed) }
        return index
    }

    func storeVersion(_ scope: TenantScope) async throws(KnowledgeError) -> UInt64 {
        do throws(DocumentStoreError) {
            return try await store.version(in: scope)
        } catch {
            throw .unavailable(error.message)
        }
    }

    /// Applies the store's changes since the index's followed version; false when the index must be
    /// rebuilt instead (the tenant was purged, or the store was reset).
    func catchUp(_ index: TenantIndex, scope: TenantScope, tenant: TenantState) async throws(KnowledgeError) -> Bool {
        let changes: StoreChanges
        do throws(DocumentStoreError) {
            changes = try await store.changes(in: scope, after: tenant.followed.load(ordering: .relaxed))
        } catch {
            throw .unavailable(error.message)
        }
        if changes.reset { return false }
        for id in changes.documents.sorted() {
            let current: StoredDocumentWithChunks?
            do throws(DocumentStoreError) {
                current = try await store.document(id, in: scope)
            } catch {
                throw .unavailable(error.message)
            }
            try await onPool { _ in
                guard let current else {
                    index.remove(id)
                    return
                }
                // A re-index may have stored another embedder's vectors for the same content: the index keeps its own.
                let kept = index.embeddedVectors(of: id, contentHash: current.document.contentHash)
                index.replace(Self.indexable(current, embedder: index.embedderIdentifier, dimensions: index.dimensions, kept: kept))
            }
        }
        tenant.followed.store(changes.version, ordering: .relaxed)
        if !changes.documents.isEmpty { tenant.dirty.store(true, ordering: .relaxed) }
        return true
    }

    /// Brings every loaded index up to date with the store (another replica's writes, changes made while
    /// it was loading); called periodically by the service. Searches go on against the current index
    /// meanwhile; a tenant that must be rebuilt keeps its old index until the new one is ready.
    public func followChanges() async {
        for (_, tenant) in tenants.withLock({ $0 }) {
            guard let index = await tenant.loadedIndex else { continue }
            await tenant.writes.withLock { () async -> Void in
                guard let version = try? await storeVersion(index.scope), version != tenant.followed.load(ordering: .relaxed) else { return }
                do throws(KnowledgeError) {
                    if try await catchUp(index, scope: index.scope, tenant: tenant) { return }
                    guard let embedder = tenant.embedder(of: index) else { return }
                    let rebuilt = try await rebuild(index.scope, embedder: embedder)
                    tenant.followed.store(version, ordering: .relaxed)
                    tenant.install(rebuilt, embedder: embedder)
                    tenant.dirty.store(true, ordering: .relaxed)
                } catch {
                    // The store is unreachable: the current index keeps serving; the next round retries.
                }
            }
            // A changed embedder configuration, or vectors another replica left pending: embed in the background.
            let current = await tenant.loadedIndex ?? index
            if await embedders.embedder(for: index.scope.companyID).identifier != current.embedderIdentifier || current.unembeddedCount > 0 {
                scheduleEmbedding(index.scope, ifIdle: true)
            }
        }
    }

    /// After a local write, when the store's only changes since the followed version are the documents
    /// just written, the index holds them all: the followed version moves on without re-reading them.
    func advanceFollowed(after written: Set<String>, scope: TenantScope, tenant: TenantState) async {
        guard let changes = try? await store.changes(in: scope, after: tenant.followed.load(ordering: .relaxed)),
              !changes.reset, changes.documents.isSubset(of: written) else { return }
        tenant.followed.store(changes.version, ordering: .relaxed)
    }

    /// The snapshot file of a tenant.
    func snapshotPath(_ scope: TenantScope) -> String? {
        snapshotDirectory.map { scope.directory(under: $0) + "/index.snapshot" }
    }

    /// Writes a fresh snapshot of every tenant changed since its last one (a tenant's writes wait
    /// meanwhile; its searches do not). The service calls this periodically and when it stops.
    public func snapshotChangedTenants() async {
        let changed = tenants.withLock { tenants in tenants.filter { $0.value.dirty.load(ordering: .relaxed) } }
        for (_, tenant) in changed {
            guard let task = tenant.index.withLock({ $0 }), let index = try? await task.value, index.dimensions > 0,
                  let path = snapshotPath(index.scope) else { continue }
            await tenant.writes.withLock { () async -> Void in
                // Still this index (not purged or rebuilt meanwhile), and still changed.
                guard tenant.index.withLock({ $0 }) == task, tenant.dirty.exchange(false, ordering: .relaxed) else { return }
                let stamp = TenantIndex.SnapshotStamp(embedder: index.embedderIdentifier, storeVersion: tenant.followed.load(ordering: .relaxed))
                let written = (try? await onPool { _ in index.writeSnapshot(to: path, stamp: stamp) }) ?? false
                if !written { tenant.dirty.store(true, ordering: .relaxed) }
            }
        }
    }

    /// Builds the tenant's index from the store, with `embedder`'s stored vectors.
    func rebuild(_ scope: TenantScope, embedder: any Embedder) async throws(KnowledgeError) -> TenantIndex {
        let stored: [StoredDocumentWithChunks]
        do throws(DocumentStoreError) {
            stored = try await store.all(in: scope)
        } catch {
            throw .unavailable(error.message)
        }
        // Analysis (the costly part) in parallel slices on the pool, then one build pass.
        let identifier = embedder.identifier, dimensions = embedder.dimensions, layout = Self.layout(for: embedder)
        let slices = max(1, min(pool.threadCount, stored.count / 500))
        let bounds = (0...slices).map { stored.count * $0 / slices }
        let analysed = await withTaskGroup(of: (Int, [IndexableDocument]).self) { group in
            for slice in 0..<slices {
                let part = Array(stored[bounds[slice]..<bounds[slice + 1]])
                group.addTask {
                    (slice, (try? await self.onPool { _ in part.map { Self.indexable($0, embedder: identifier, dimensions: dimensions) } }) ?? [])
                }
            }
            var parts = [[IndexableDocument]](repeating: [], count: slices)
            for await (slice, documents) in group { parts[slice] = documents }
            return parts.flatMap { $0 }
        }
        guard analysed.count == stored.count else { throw .unavailable("the index of \(scope.companyID) could not be built") }
        return try await onPool { _ in
            TenantIndex.build(scope: scope, dimensions: dimensions, embedder: identifier, layout: layout, documents: analysed)
        }
    }
}
