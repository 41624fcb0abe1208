import Foundation
import TenantStorage
import Wire

/// Auto-recovery: each tenant's store is audited and repaired, and its index compared with the store and
/// rebuilt when they disagree; searches keep using the current index while a rebuild runs.
extension KnowledgeBase {
    /// Checks one tenant (under its write lock, so no local write interleaves):
    /// 1. the store: a document whose chunks or vectors are missing or malformed is re-chunked and
    ///    re-embedded from its text; chunk entries that belong to no document are deleted;
    /// 2. the index (when loaded): caught up with the store, then compared document by document (ids,
    ///    content hashes, chunk counts, vectors); on a mismatch, or when `force` is set, it is rebuilt
    ///    from the store in the background and swapped in.
    /// Returns the tenant's health afterwards.
    @discardableResult
    public func check(_ scope: TenantScope, force: Bool = false) async -> VectorstoreTenantHealth {
        let tenant = tenant(scope.companyID)
        await tenant.writes.withLock { () async -> Void in
            var problems: [String] = []
            var recovered = force
            do throws(KnowledgeError) {
                var audit = try await storeAudit(scope)
                // Chunks missing in the store: re-indexed from the document's text. Chunks without a usable
                // vector are damage only with the built-in embedder (a remote one's are pending work for the
                // background embedding): then they are re-indexed from the text too.
                let local = await embedders.embedder(for: scope.companyID) is BuiltInEmbedder
                var damaged = Set(audit.documents.filter {
                    $0.value.presentChunks != $0.value.declaredChunks || (local && $0.value.chunksWithoutVector > 0)
                }.keys)
                if local, let index = await tenant.loadedIndex {
                    damaged.formUnion(index.audit().filter { $0.value.unembedded > 0 && audit.documents[$0.key] != nil }.keys)
                }
                if !damaged.isEmpty {
                    let repaired = try await reindexFromText(damaged, scope: scope)
                    problems.append("\(damaged.count) document(s) with missing chunks or vectors (\(repaired) re-indexed from their text)")
                }
                if audit.orphanChunks > 0 {
                    let removed = try await removeOrphans(scope)
                    problems.append("\(removed) chunk(s) that belonged to no document removed")
                }
                if !problems.isEmpty { audit = try await storeAudit(scope) }
                var chunks = audit.documents.values.reduce(0) { $0 + $1.presentChunks }
                if let index = await tenant.loadedIndex {
                    var mismatch = try await !catchUp(index, scope: scope, tenant: tenant) ? "the tenant was purged" : nil
                    if mismatch == nil, Self.difference(index.audit(), audit) != nil {
                        // A change may have landed between the catch-up and the audit: look once more.
                        _ = try await catchUp(index, scope: scope, tenant: tenant)
                        audit = try await storeAudit(scope)
                        mismatch = Self.difference(index.audit(), audit)
                    }
                    if let mismatch { problems.append("the index did not match the store: \(mismatch)") }
                    if mismatch != nil || force, let embedder = tenant.embedder(of: index) {
                        let version = try await storeVersion(scope)
                        let rebuilt = try await rebuild(scope, embedder: embedder)
                        tenant.followed.store(version, ordering: .relaxed)
                        tenant.install(rebuilt, embedder: embedder)
                        tenant.dirty.store(true, ordering: .relaxed)
                        chunks = rebuilt.counts.chunks
                    }
                }
                recovered = recovered || !problems.isEmpty
                let now = Date()
                let documents = audit.documents.count
                tenant.health.withLock { record in
                    record.healthy = true
                    record.documents = documents
                    record.chunks = chunks
                    record.lastCheck = now
                    if recovered { record.lastRecovery = now }
                    record.lastProblem = problems.isEmpty ? nil : problems.joined(separator: "; ")
                }
            } catch {
                tenant.health.withLock { record in
                    record.healthy = false
                    record.lastCheck = Date()
                    record.lastProblem = "the check could not complete: \(error.rpcError.message)"
                }
            }
        }
        return await health(of: scope.companyID)
    }

    /// Checks every tenant the service has loaded or the store has data for (the periodic auto-recovery).
    public func checkAllTenants(scopes: (CompanyID) -> TenantScope?) async {
        var ids = Set(tenants.withLock { Array($0.keys) })
        if let stored = try? await store.tenants() { ids.formUnion(stored) }
        for id in ids.sorted() {
            guard let scope = scopes(id) else { continue }
            await check(scope)
        }
    }

    /// A tenant's health: the last check's findings with the index's current counts and its background
    /// embedding (pending vectors, re-index progress, the provider's last failure).
    public func health(of company: CompanyID) async -> VectorstoreTenantHealth {
        let tenant = tenant(company)
        let record = tenant.health.withLock { $0 }
        let embedding = tenant.embedding.withLock { $0 }
        let index = await tenant.loadedIndex
        let counts = index?.counts
        let provider: String
        if let index { provider = index.embedderIdentifier } else { provider = await embedders.embedder(for: company).identifier }
        let pending = index?.unembeddedCount ?? 0
        let progress = embedding.reindexTarget.map { _ in embedding.reindexTotal == 0 ? 0 : Double(embedding.reindexDone) / Double(embedding.reindexTotal) }
        return VectorstoreTenantHealth(
            companyID: company, healthy: record.healthy, loaded: index != nil, documents: counts?.documents ?? record.documents,
            chunks: counts?.chunks ?? record.chunks, embeddingProvider: provider, lastCheck: record.lastCheck,
            lastRecovery: record.lastRecovery, lastProblem: record.lastProblem, reindexProgress: progress, reindexTarget: embedding.reindexTarget,
            pendingEmbeddings: pending, lastEmbeddingError: pending > 0 || embedding.reindexTarget != nil ? embedding.lastError : nil)
    }

    /// The health of every tenant whose index this replica has loaded, by company id (for `/metrics`): touches no
    /// other tenant (no state made, no embedder or key looked up for companies this replica does not serve).
    public func loadedTenantHealth() async -> [VectorstoreTenantHealth] {
        var found: [VectorstoreTenantHealth] = []
        for (id, tenant) in tenants.withLock({ $0 }).sorted(by: { $0.key.rawValue < $1.key.rawValue }) where await tenant.loadedIndex != nil {
            found.append(await health(of: id))
        }
        return found
    }

    // MARK: Steps

    func storeAudit(_ scope: TenantScope) async throws(KnowledgeError) -> StoreAudit {
        do throws(DocumentStoreError) {
            return try await store.audit(in: scope)
        } catch {
            throw .unavailable(error.message)
        }
    }

    func removeOrphans(_ scope: TenantScope) async throws(KnowledgeError) -> Int {
        do throws(DocumentStoreError) {
            return try await store.removeOrphanChunks(in: scope)
        } catch {
            throw .unavailable(error.message)
        }
    }

    /// Re-chunks and re-embeds documents from the text their records keep, writing them back (the index
    /// follows through the change log). Returns how many were rewritten.
    func reindexFromText(_ ids: Set<String>, scope: TenantScope) async throws(KnowledgeError) -> Int {
        var rows: [StoredDocumentWithChunks] = []
        for id in ids.sorted() {
            let found: StoredDocumentWithChunks?
            do throws(DocumentStoreError) {
                found = try await store.document(id, in: scope)
            } catch {
                throw .unavailable(error.message)
            }
            guard let found, !found.document.content.isEmpty else { continue }
            let chunker = self.chunker, embedder = await embedders.embedder(for: scope.companyID)
            let builtIn = embedder as? BuiltInEmbedder
            let document = found.document
            let rebuilt = try await onPool { _ -> StoredDocumentWithChunks in
                let chunks = chunker.chunks(of: document.content)
                // A remote embedder's vectors are left to the background embedding.
                let ready = IndexableDocument.embedded(id: document.id, title: document.title, chunks: chunks, embedder: builtIn)
                var record = document
                record.chunkCount = chunks.count
                record.updatedAt = Date()
                return StoredDocumentWithChunks(document: record, chunks: zip(ready.chunks, ready.vectors).map { chunk, vector in
                    StoredChunk(index: chunk.index, heading: chunk.heading, content: chunk.content,
                                embedder: vector == nil ? nil : embedder.identifier, vector: vector)
                })
            }
            rows.append(rebuilt)
        }
        guard !rows.isEmpty else { return 0 }
        do throws(DocumentStoreError) {
            _ = try await store.put(rows, in: scope)
        } catch {
            throw .unavailable(error.message)
        }
        scheduleEmbedding(scope)
        return rows.count
    }

    /// How an index differs from the store (nil when they agree): documents missing on either side, and
    /// documents whose content hash or chunk count disagree.
    static func difference(_ index: [String: IndexedDocumentAudit], _ store: StoreAudit) -> String? {
        let missing = store.documents.keys.filter { index[$0] == nil }
        let extra = index.keys.filter { store.documents[$0] == nil }
        let changed = store.documents.filter { id, stored in
            guard let held = index[id] else { return false }
            return held.contentHash != stored.contentHash || held.chunks != stored.presentChunks
        }.keys
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.count) document(s) missing from the index") }
        if !extra.isEmpty { parts.append("\(extra.count) document(s) the store no longer has") }
        if !changed.isEmpty { parts.append("\(changed.count) document(s) that differ") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
