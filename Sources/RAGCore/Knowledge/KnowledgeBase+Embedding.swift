import Foundation
import TenantStorage
import Wire

/// Background embedding: the vectors a write left for later (a remote model is slow), and re-indexing a
/// tenant whose configured embedder changed.
///
/// One worker task per tenant at most, started by a write that left chunks without vectors, by a load
/// (a restart resumes whatever was pending: the unembedded chunks are found again in the index) and by
/// the follow loop when the configured embedder differs from the index's. Each round:
/// - **fill**: up to ``Limits/embeddingBatch`` chunks the index holds without a vector are embedded,
///   stored (only if the document still has that content) and set in the index;
/// - **re-index** (the configured embedder is not the index's): every stored chunk lacking the new
///   embedder's vector is embedded and stored, pass after pass until none is left; then an index is built
///   from the store with the new vectors and swapped in. Until the swap, searches use the old index and
///   its embedder (this replica keeps the old vectors when it follows the store's changes).
/// A provider failure is recorded (see the tenant's health and its jobs) and retried with a backoff:
/// 1 s doubling to 60 s for transient failures, 60 s for refusals.
extension KnowledgeBase {
    enum EmbeddingRound {
        case progressed
        case idle
        case failed(EmbeddingError)
    }

    /// The company's embedder with its vector length known: a remote one that has not said it yet is
    /// asked once (a one-word query). When it cannot be reached, a stand-in without vectors: keyword
    /// search works meanwhile, and the background embedding moves to the real one once it answers.
    func resolvedEmbedder(for company: CompanyID) async -> any Embedder {
        let embedder = await embedders.embedder(for: company)
        guard embedder.dimensions == 0 else { return embedder }
        do throws(EmbeddingError) {
            _ = try await embedder.embed(query: "dimension")
            if embedder.dimensions > 0 { return embedder }
        } catch {
            tenant(company).embedding.withLock { $0.lastError = error.message }
        }
        return UnreachableEmbedder(wrapped: embedder)
    }

    /// The vector layout for an embedder's vectors: the built-in one's query vectors are sparse (columns
    /// skip the zero components), a model's are dense (rows).
    static func layout(for embedder: any Embedder) -> VectorLayout { embedder is BuiltInEmbedder ? .columns : .rows }

    /// The vectors of chunks, one each: the built-in embedder's of the chunk in context (on the pool), or
    /// a model's (see ``ChunkEmbedding``).
    func embedChunks(_ chunks: [(title: String, chunk: DocumentChunk)], with embedder: any Embedder) async throws(EmbeddingError) -> [[Float]] {
        if let builtIn = embedder as? BuiltInEmbedder {
            do throws(KnowledgeError) {
                return try await onPool { _ in chunks.map { builtIn.vector(IndexableDocument.indexedText(title: $0.title, chunk: $0.chunk)) } }
            } catch {
                throw EmbeddingError(error.rpcError.message, isTransient: true)
            }
        }
        return try await ChunkEmbedding.vectors(of: chunks, with: embedder)
    }

    /// Freshly chunked documents with vectors from a remote embedder, if it answers within
    /// ``Limits/inlineEmbeddingTimeout``; nil otherwise (the write then leaves them to a job).
    func embedInline(_ documents: [IndexableDocument?], with embedder: any Embedder) async -> [IndexableDocument?]? {
        let chunks = documents.flatMap { document in document.map { document in document.chunks.map { (document.title, $0) } } ?? [] }
        guard !chunks.isEmpty else { return documents }
        let timeout = limits.inlineEmbeddingTimeout
        let vectors = await withTaskGroup(of: [[Float]]?.self) { group -> [[Float]]? in
            group.addTask { try? await self.embedChunks(chunks, with: embedder) }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let vectors, vectors.count == chunks.count else { return nil }
        var position = 0
        return documents.map { document in
            guard let document else { return nil }
            var found: [Int: [Float]] = [:]
            for chunk in document.chunks {
                found[chunk.index] = vectors[position]
                position += 1
            }
            return document.settingVectors(found)
        }
    }

    /// Makes sure the tenant's background embedding runs; it stops by itself when nothing is left.
    /// With `ifIdle`, a worker that is already running (or waiting out a failure) is left alone.
    func scheduleEmbedding(_ scope: TenantScope, ifIdle: Bool = false) {
        let tenant = tenant(scope.companyID)
        tenant.embedding.withLock { record in
            guard record.worker == nil || !ifIdle else { return }
            record.requested = true
            guard record.worker == nil else { return }
            record.worker = Task { await self.runEmbedding(scope, tenant: tenant) }
        }
    }

    /// The worker: rounds until one finds nothing to do and no new work was asked for meanwhile.
    func runEmbedding(_ scope: TenantScope, tenant: TenantState) async {
        var backoff: Duration = .seconds(1)
        while !Task.isCancelled {
            tenant.embedding.withLock { $0.requested = false }
            switch await embeddingRound(scope, tenant: tenant) {
            case .progressed:
                backoff = .seconds(1)
            case .idle:
                let stop = tenant.embedding.withLock { record -> Bool in
                    guard !record.requested else { return false }
                    record.worker = nil
                    return true
                }
                if stop { return }
            case .failed(let error):
                tenant.embedding.withLock { record in
                    record.lastError = error.message
                    record.failing = !error.isTransient
                }
                try? await Task.sleep(for: error.isTransient ? backoff : .seconds(60))
                backoff = min(backoff * 2, .seconds(60))
            }
        }
    }

    /// One round of background embedding (see the extension's description).
    func embeddingRound(_ scope: TenantScope, tenant: TenantState) async -> EmbeddingRound {
        guard let index = await tenant.loadedIndex else { return .idle }
        let embedder = await resolvedEmbedder(for: scope.companyID)
        if embedder.identifier != index.embedderIdentifier {
            if embedder is UnreachableEmbedder {
                return .failed(EmbeddingError(tenant.embedding.withLock { $0.lastError } ?? "the embeddings provider does not answer",
                                              isTransient: true))
            }
            return await reindex(scope, tenant: tenant, to: embedder)
        }
        let batch = index.unembeddedChunks(limit: limits.embeddingBatch)
        guard !batch.isEmpty else { return .idle }
        let vectors: [[Float]]
        do throws(EmbeddingError) {
            vectors = try await embedChunks(batch.map { ($0.title, $0.chunk) }, with: embedder)
        } catch {
            return .failed(error)
        }
        let byDocument = Self.grouped(zip(batch, vectors).map { (documentID: $0.documentID, contentHash: $0.contentHash, chunk: $0.chunk.index, vector: $1) })
        do throws(KnowledgeError) {
            let written = try await tenant.writes.withLock { () async throws(KnowledgeError) -> Int in
                var written = 0
                for (id, item) in byDocument where try await storeVectors(id, item, embedder: embedder.identifier, scope: scope) {
                    index.setVectors(documentID: id, contentHash: item.contentHash, item.vectors)
                    written += 1
                }
                tenant.dirty.store(true, ordering: .relaxed)
                await advanceFollowed(after: Set(byDocument.keys), scope: scope, tenant: tenant)
                return written
            }
            // Every document changed meanwhile: the index catches up with the store before the next round.
            if written == 0 { return .failed(EmbeddingError("the documents changed while they were embedded", isTransient: true)) }
        } catch {
            return .failed(EmbeddingError(error.rpcError.message, isTransient: true))
        }
        tenant.embedding.withLock { record in
            record.lastError = nil
            record.failing = false
        }
        return .progressed
    }

    /// Re-indexes the tenant with `target`: embeds and stores every chunk that lacks its vector, then
    /// swaps in an index built from the store.
    func reindex(_ scope: TenantScope, tenant: TenantState, to target: any Embedder) async -> EmbeddingRound {
        tenant.embedding.withLock { record in
            if record.reindexTarget != target.identifier {
                record.reindexTarget = target.identifier
                record.reindexDone = 0
                record.reindexTotal = 0
            }
        }
        while !Task.isCancelled {
            let stored: [StoredDocumentWithChunks]
            do throws(DocumentStoreError) {
                stored = try await store.all(in: scope)
            } catch {
                return .failed(EmbeddingError(error.message, isTransient: true))
            }
            var todo: [(documentID: String, contentHash: String, title: String, chunk: DocumentChunk)] = []
            var total = 0
            for item in stored {
                for chunk in item.chunks {
                    total += 1
                    guard chunk.embedder != target.identifier || chunk.vector?.count != target.dimensions else { continue }
                    todo.append((item.document.id, item.document.contentHash, item.document.title,
                                 DocumentChunk(index: chunk.index, heading: chunk.heading, content: chunk.content)))
                }
            }
            let done = total - todo.count
            tenant.embedding.withLock { record in
                record.reindexTotal = total
                record.reindexDone = done
            }
            if todo.isEmpty { break }
            for start in stride(from: 0, to: todo.count, by: limits.embeddingBatch) {
                guard !Task.isCancelled else { return .idle }
                // The configuration moved on again: the next round starts over with the new target.
                if await embedders.embedder(for: scope.companyID).identifier != target.identifier {
                    tenant.embedding.withLock { $0.reindexTarget = nil }
                    return .progressed
                }
                let batch = todo[start..<min(todo.count, start + limits.embeddingBatch)]
                let vectors: [[Float]]
                do throws(EmbeddingError) {
                    vectors = try await embedChunks(batch.map { ($0.title, $0.chunk) }, with: target)
                } catch {
                    return .failed(error)
                }
                let byDocument = Self.grouped(zip(batch, vectors).map { (documentID: $0.documentID, contentHash: $0.contentHash, chunk: $0.chunk.index, vector: $1) })
                do throws(KnowledgeError) {
                    for (id, item) in byDocument { _ = try await storeVectors(id, item, embedder: target.identifier, scope: scope) }
                } catch {
                    return .failed(EmbeddingError(error.rpcError.message, isTransient: true))
                }
                tenant.embedding.withLock { record in
                    record.reindexDone += batch.count
                    record.lastError = nil
                    record.failing = false
                }
            }
        }
        guard !Task.isCancelled else { return .idle }
        do throws(KnowledgeError) {
            try await tenant.writes.withLock { () async throws(KnowledgeError) -> Void in
                let version = try await storeVersion(scope)
                let rebuilt = try await rebuild(scope, embedder: target)
                tenant.followed.store(version, ordering: .relaxed)
                tenant.install(rebuilt, embedder: target)
                tenant.dirty.store(true, ordering: .relaxed)
            }
        } catch {
            return .failed(EmbeddingError(error.rpcError.message, isTransient: true))
        }
        tenant.embedding.withLock { $0.reindexTarget = nil }
        return .progressed
    }

    /// Embedded chunks grouped by document: the content hash they were computed from and their vectors.
    static func grouped(_ chunks: [(documentID: String, contentHash: String, chunk: Int, vector: [Float])])
        -> [String: (contentHash: String, vectors: [Int: [Float]])] {
        var byDocument: [String: (contentHash: String, vectors: [Int: [Float]])] = [:]
        for item in chunks {
            byDocument[item.documentID, default: (item.contentHash, [:])].vectors[item.chunk] = item.vector
        }
        return byDocument
    }

    /// Stores one document's new vectors; false when it changed or went away meanwhile.
    func storeVectors(_ id: String, _ item: (contentHash: String, vectors: [Int: [Float]]), embedder: String,
                      scope: TenantScope) async throws(KnowledgeError) -> Bool {
        do throws(DocumentStoreError) {
            return try await store.putVectors(documentID: id, contentHash: item.contentHash, embedder: embedder, vectors: item.vectors, in: scope)
        } catch {
            throw .unavailable(error.message)
        }
    }

    // MARK: Jobs

    /// A job's progress, read from the index.
    func jobStatus(_ record: EmbeddingJobRecord, index: TenantIndex, tenant: TenantState) -> EmbeddingJobStatus {
        let (chunks, embedded) = index.embeddingProgress(of: record.documentIDs)
        let (error, failing) = tenant.embedding.withLock { ($0.lastError, $0.failing) }
        let state: EmbeddingJobState = embedded >= chunks ? .completed : failing ? .failing : .running
        return EmbeddingJobStatus(id: record.id, state: state, documentIDs: record.documentIDs, chunksTotal: chunks, chunksEmbedded: embedded,
                                  embedder: record.embedder, createdAt: record.createdAt, lastError: state == .completed ? nil : error)
    }

    /// One of the company's embedding jobs.
    public func job(_ id: String, scope: TenantScope) async throws(KnowledgeError) -> EmbeddingJobStatus {
        guard id.utf8.count <= 64 else { throw .jobNotFound(String(id.prefix(64))) }
        let record: EmbeddingJobRecord?
        do throws(DocumentStoreError) {
            record = try await store.job(id, in: scope)
        } catch {
            throw .unavailable(error.message)
        }
        guard let record else { throw .jobNotFound(id) }
        let index = try await index(for: scope)
        return jobStatus(record, index: index, tenant: tenant(scope.companyID))
    }
}

/// Stands in for a remote embedder that has not answered yet, so its vector length is unknown: an index
/// built with it holds no vectors (keyword search works) until the real one answers and the tenant is
/// re-indexed with it.
struct UnreachableEmbedder: Embedder {
    let wrapped: any Embedder
    var identifier: String { "unreachable:" + wrapped.identifier }
    var dimensions: Int { 0 }

    func embed(documents: [String]) async throws(EmbeddingError) -> [[Float]] {
        throw EmbeddingError("the embeddings provider \(wrapped.identifier) has not answered yet", isTransient: true)
    }

    func embed(query: String) async throws(EmbeddingError) -> [Float] {
        throw EmbeddingError("the embeddings provider \(wrapped.identifier) has not answered yet", isTransient: true)
    }
}
