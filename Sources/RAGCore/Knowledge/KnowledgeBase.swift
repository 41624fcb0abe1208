import BlockingIO
import CryptoPrimitives
import Foundation
import Synchronization
import TenantStorage
import Wire

/// Every tenant's documents: validation, chunking, embedding, the durable store and one in-memory
/// ``TenantIndex`` per company.
///
/// Each call names its tenant with a ``TenantScope``; the index a call reads or changes is looked up by
/// that scope's company id, and every store operation carries the scope, so there is no path that reads
/// or writes across companies. A tenant's index is loaded from the store on first use (concurrent first
/// calls share one load). Writes of one tenant are serialised (store first, then index), so the index
/// always reflects the store's order; reads never wait for writes except for the in-memory swap.
/// Chunking, embedding and scoring run on ``pool``, never on an event loop or the cooperative pool.
///
/// Each company's embedder comes from ``embedders`` (its configuration): the built-in one embeds inside
/// the write; a remote model embeds small writes inside the write too and larger ones in the background
/// (an embedding job), keyword search finding the chunks at once. A change of embedder re-indexes the
/// tenant in the background while searches keep using the old vectors (see `KnowledgeBase+Embedding`).
public final class KnowledgeBase: Sendable {
    /// Bounds on what a write may carry.
    public struct Limits: Sendable {
        public var maximumContentBytes = 2_000_000
        public var maximumTitleLength = 300
        public var maximumIDLength = 128
        public var maximumChunksPerDocument = 4_000
        public var maximumQueryBytes = 4_096
        /// A write to a remote embedder with at most this many chunks is embedded before it is answered;
        /// a larger one (or one the provider does not answer within ``inlineEmbeddingTimeout``) becomes a job.
        public var inlineEmbeddingChunks = 8
        public var inlineEmbeddingTimeout: Duration = .seconds(3)
        /// Chunks per background embedding request.
        public var embeddingBatch = 32
        public init() {}
    }

    public let store: any DocumentStore
    /// Each company's embedder.
    public let embedders: any EmbedderResolver
    public let chunker: DocumentChunker
    public let limits: Limits
    /// Where tenant index snapshots are kept (nil: none; every load rebuilds from the store).
    public let snapshotDirectory: String?
    /// Reads uploaded PDFs.
    public let pdfExtractor: PDFTextExtractor
    let pool: BlockingIOPool
    let tenants = Mutex<[CompanyID: TenantState]>([:])

    public init(store: any DocumentStore, embedders: any EmbedderResolver = FixedEmbedderResolver(), chunker: DocumentChunker = DocumentChunker(),
                limits: Limits = Limits(), snapshotDirectory: String? = nil, pdfExtractor: PDFTextExtractor = PDFTextExtractor(),
                pool: BlockingIOPool) {
        self.store = store
        self.pdfExtractor = pdfExtractor
        self.snapshotDirectory = snapshotDirectory
        self.embedders = embedders
        self.chunker = chunker
        self.limits = limits
        self.pool = pool
    }

    func tenant(_ id: CompanyID) -> TenantState {
        tenants.withLock { tenants in
            if let tenant = tenants[id] { return tenant }
            let tenant = TenantState()
            tenants[id] = tenant
            return tenant
        }
    }

    /// A stored document as the index takes it: vectors only from `embedder` (with `dimensions`), and,
    /// for chunks the store has no such vector for, the ones `kept` holds (an index's own vectors of the
    /// same content, kept while a re-index writes another embedder's vectors to the store).
    static func indexable(_ item: StoredDocumentWithChunks, embedder: String, dimensions: Int,
                          kept: [Int: [Float]]? = nil) -> IndexableDocument {
        let metadata = (try? DocumentMetadata(item.document.metadataJSON)) ?? (try? DocumentMetadata(nil))
        let chunks = item.chunks.map { DocumentChunk(index: $0.index, heading: $0.heading, content: $0.content) }
        let vectors: [[Float]?] = item.chunks.map { chunk in
            chunk.embedder == embedder && chunk.vector?.count == dimensions ? chunk.vector : kept?[chunk.index]
        }
        let terms = chunks.map { AnalyzedText(IndexableDocument.indexedText(title: item.document.title, chunk: $0)).contentStems }
        var document = IndexableDocument(id: item.document.id, title: item.document.title, metadataJSON: metadata?.json ?? "{}",
                                         fields: metadata?.fields ?? [:], chunks: chunks, vectors: vectors, terms: terms)
        document.contentHash = item.document.contentHash
        return document
    }

    func onPool<T: Sendable>(_ body: @escaping @Sendable (BlockingIOJob) -> T) async throws(KnowledgeError) -> T {
        do {
            return try await pool.run { (job: BlockingIOJob) throws(Never) -> T in body(job) }
        } catch {
            switch error {
            case .cancelled: throw .unavailable("the call was cancelled")
            case .timedOut: throw .unavailable("the work timed out")
            case .rejected(let reason): throw .unavailable(reason)
            }
        }
    }

    // MARK: Writes

    /// A validated document, ready to chunk.
    struct PreparedDocument: Sendable {
        let position: Int
        let id: String
        let title: String
        let content: String
        let metadata: DocumentMetadata
    }

    /// Validates one input: content, id, title and metadata within ``limits``.
    func prepare(_ input: DocumentInput, at position: Int) throws(KnowledgeError) -> PreparedDocument {
        let content = input.content.trimmingWhitespace()
        guard !content.isEmpty else { throw .invalidArgument("content is empty") }
        guard input.content.utf8.count <= limits.maximumContentBytes else {
            throw .invalidArgument("content is larger than \(limits.maximumContentBytes) bytes")
        }
        let title = (input.title ?? "").trimmingWhitespace()
        guard title.count <= limits.maximumTitleLength else { throw .invalidArgument("title is longer than \(limits.maximumTitleLength) characters") }
        let id: String
        if let given = input.id?.trimmingWhitespace(), !given.isEmpty {
            guard given.utf8.count <= limits.maximumIDLength,
                  given.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                      || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E || $0 == 0x3A }) else {
                throw .invalidArgument("id must be 1-\(limits.maximumIDLength) letters, digits, '-', '_', '.' or ':'")
            }
            id = given
        } else {
            // The same content gets the same id, so writing it again replaces it.
            id = "doc_" + Digest.hex(Digest.sha256(Array(content.utf8)).prefix(12))
        }
        return PreparedDocument(position: position, id: id, title: title, content: content, metadata: try DocumentMetadata(input.metadataJSON))
    }

    /// Writes documents for one company; one result per input, in order (see ``write(_:scope:maximumDocuments:)``).
    public func add(_ inputs: [DocumentInput], scope: TenantScope, maximumDocuments: Int) async throws(KnowledgeError) -> [DocumentWriteResult] {
        try await write(inputs, scope: scope, maximumDocuments: maximumDocuments).results
    }

    /// Writes documents for one company; one result per input, in order. Inputs that fail validation or
    /// would take the company past `maximumDocuments` are reported and skipped; the others are written
    /// in one store transaction and are keyword-searchable when this returns. With the built-in embedder
    /// (or a small write to a remote one) they are vector-searchable too; otherwise the response carries
    /// the embedding job that computes their vectors in the background.
    public func write(_ inputs: [DocumentInput], scope: TenantScope, maximumDocuments: Int) async throws(KnowledgeError) -> AddDocumentsResponse {
        guard inputs.count <= RAGAPI.maximumDocumentsPerCall else {
            throw .invalidArgument("at most \(RAGAPI.maximumDocumentsPerCall) documents per call")
        }
        var results = inputs.indices.map { DocumentWriteResult(index: $0) }
        var prepared: [PreparedDocument] = []
        for (position, input) in inputs.enumerated() {
            do throws(KnowledgeError) {
                prepared.append(try prepare(input, at: position))
            } catch {
                results[position].errorCode = "invalid_argument"
                results[position].errorMessage = error.rpcError.message
            }
        }
        guard !prepared.isEmpty else { return AddDocumentsResponse(results: results) }
        // Chunked (and embedded, when that is quick) before the tenant's writes are held.
        let embedder = await embedders.embedder(for: scope.companyID)
        let builtIn = embedder as? BuiltInEmbedder
        let chunker = self.chunker, limits = self.limits, toBuild = prepared
        var built = try await onPool { _ in
            toBuild.map { document -> IndexableDocument? in
                let chunks = chunker.chunks(of: document.content)
                guard !chunks.isEmpty, chunks.count <= limits.maximumChunksPerDocument else { return nil }
                return IndexableDocument.embedded(id: document.id, title: document.title, metadataJSON: document.metadata.json,
                                                  fields: document.metadata.fields, chunks: chunks, embedder: builtIn,
                                                  contentHash: Self.contentHash(document.content))
            }
        }
        if builtIn == nil {
            let chunkCount = built.reduce(0) { $0 + ($1?.chunks.count ?? 0) }
            if chunkCount <= limits.inlineEmbeddingChunks, let vectors = await embedInline(built, with: embedder) {
                built = vectors
            }
        }
        let tenant = tenant(scope.companyID)
        let ready = built
        let (response, pending) = try await tenant.writes.withLock { () async throws(KnowledgeError) -> (AddDocumentsResponse, [String]) in
            let index = try await index(for: scope)
            // Quota: replacements are free, new ids count.
            var known = index.documentIDs
            var rows: [StoredDocumentWithChunks] = []
            var indexable: [IndexableDocument] = []
            var pending: [String] = []
            let now = Date()
            for (document, item) in zip(prepared, ready) {
                guard let item else {
                    results[document.position].errorCode = "invalid_argument"
                    results[document.position].errorMessage = "the document has no text to index, or more than \(limits.maximumChunksPerDocument) chunks"
                    continue
                }
                guard known.contains(document.id) || known.count < maximumDocuments else {
                    results[document.position].errorCode = "quota_exceeded"
                    results[document.position].errorMessage = "the company may keep at most \(maximumDocuments) documents"
                    continue
                }
                known.insert(document.id)
                let stored = StoredDocument(
                    id: document.id, title: document.title, content: document.content, metadataJSON: document.metadata.json,
                    category: document.metadata.category, contentHash: item.contentHash,
                    createdAt: now, updatedAt: now, chunkCount: item.chunks.count)
                rows.append(StoredDocumentWithChunks(document: stored, chunks: zip(item.chunks, item.vectors).map { chunk, vector in
                    StoredChunk(index: chunk.index, heading: chunk.heading, content: chunk.content,
                                embedder: vector == nil ? nil : embedder.identifier, vector: vector)
                }))
                // The index takes vectors of its own embedder only (a re-index may be moving the tenant to this one).
                indexable.append(index.embedderIdentifier == embedder.identifier ? item : item.withoutVectors)
                if item.vectors.contains(where: { $0 == nil }) { pending.append(document.id) }
                results[document.position].documentID = document.id
                results[document.position].chunkCount = item.chunks.count
            }
            guard !rows.isEmpty else { return (AddDocumentsResponse(results: results), []) }
            let replaced: [Bool]
            do throws(DocumentStoreError) {
                replaced = try await store.put(rows, in: scope)
            } catch {
                throw .unavailable(error.message)
            }
            let replacedIDs = Set(zip(rows, replaced).filter(\.1).map(\.0.document.id))
            let toIndex = indexable
            try await onPool { _ in for document in toIndex { index.replace(document) } }
            tenant.dirty.store(true, ordering: .relaxed)
            await advanceFollowed(after: Set(toIndex.map(\.id)), scope: scope, tenant: tenant)
            for position in results.indices where results[position].documentID.map(replacedIDs.contains) == true {
                results[position].replaced = true
            }
            var job: EmbeddingJobStatus?
            if !pending.isEmpty {
                let record = EmbeddingJobRecord(id: "job_" + Digest.hex(Digest.randomBytes(9)), documentIDs: pending,
                                                embedder: embedder.identifier, createdAt: now)
                do throws(DocumentStoreError) {
                    try await store.putJob(record, in: scope)
                } catch {
                    throw .unavailable(error.message)
                }
                job = jobStatus(record, index: index, tenant: tenant)
            }
            return (AddDocumentsResponse(results: results, job: job), pending)
        }
        if !pending.isEmpty { scheduleEmbedding(scope) }
        return response
    }

    /// Deletes one document of the company.
    public func delete(_ id: String, scope: TenantScope) async throws(KnowledgeError) -> Int {
        let tenant = tenant(scope.companyID)
        return try await tenant.writes.withLock { () async throws(KnowledgeError) -> Int in
            let index = try await index(for: scope)
            let removed: Int?
            do throws(DocumentStoreError) {
                removed = try await store.delete(id, in: scope)
            } catch {
                throw .unavailable(error.message)
            }
            index.remove(id)
            tenant.dirty.store(true, ordering: .relaxed)
            await advanceFollowed(after: [id], scope: scope, tenant: tenant)
            guard let removed else { throw .documentNotFound(id) }
            return removed
        }
    }

    /// Erases every document of the company, in the store and in memory; returns how many there were.
    public func purge(_ scope: TenantScope) async throws(KnowledgeError) -> Int {
        let company = scope.companyID
        let tenant = tenant(company)
        return try await tenant.writes.withLock { () async throws(KnowledgeError) -> Int in
            let removed: Int
            do throws(DocumentStoreError) {
                removed = try await store.purge(scope)
            } catch {
                throw .unavailable(error.message)
            }
            let loaded = tenant.index.withLock { current -> Task<TenantIndex, any Error>? in
                defer { current = nil }
                return current
            }
            tenant.unload()
            tenant.dirty.store(false, ordering: .relaxed)
            tenant.embedding.withLock { record in
                record.worker?.cancel()
                record = TenantState.EmbeddingRecord()
            }
            if let loaded, let index = try? await loaded.value { index.removeAll() }
            if let directory = snapshotDirectory {
                try? FileManager.default.removeItem(atPath: TenantScope.directory(of: company, under: directory))
            }
            return removed
        }
    }

    // MARK: Reads

    /// Searches the company's chunks. `documentLanguage` (the company's language) lets a query in another
    /// language be expanded for a dense model (see ``CrossLingualExpansion``).
    public func search(_ request: SearchDocumentsRequest, scope: TenantScope, documentLanguage: String? = nil) async throws(KnowledgeError)
        -> SearchDocumentsResponse {
        let query = try validatedQuery(request)
        let start = ContinuousClock.now
        let index = try await index(for: scope)
        let embedder = tenant(scope.companyID).embedder(of: index)
        var mode = request.mode
        var note: String?
        let hits: [SearchHitCandidate]
        if mode != .keyword, let builtIn = embedder as? BuiltInEmbedder {
            let mode = request.mode
            hits = try await onPool { _ in
                // One analysis of the query serves both halves.
                let analyzed = AnalyzedText(query)
                return index.search(vector: builtIn.vector(of: analyzed), terms: mode == .vector ? [] : index.keywordTerms(for: analyzed), k: request.k,
                                    mode: mode, filter: request.filter, minScore: request.minScore)
            }
        } else {
            var vector: [Float] = []
            if mode != .keyword {
                do throws(EmbeddingError) {
                    guard let embedder else { throw EmbeddingError("the company's embedder is not reachable yet", isTransient: true) }
                    vector = try await embedder.embed(query: CrossLingualExpansion.text(for: query, documentLanguage: documentLanguage))
                } catch {
                    guard mode == .hybrid else { throw .unavailable("the query could not be embedded: \(error.message)") }
                    // Keywords still answer; the response says so.
                    mode = .keyword
                    note = "vector search unavailable (\(error.message)); keyword results only"
                }
            }
            let queryVector = vector, ranMode = mode
            hits = try await onPool { _ in
                index.search(vector: queryVector, terms: ranMode == .vector ? [] : index.keywordTerms(for: AnalyzedText(query)), k: request.k, mode: ranMode,
                             filter: request.filter, minScore: request.minScore)
            }
        }
        buildVocabularyIfClaimed(index)
        return Self.response(hits, mode: mode, since: start, note: note)
    }

    /// Builds a large index's typo-tolerance vocabulary on the pool when a query needed it (once per index).
    func buildVocabularyIfClaimed(_ index: TenantIndex) {
        guard index.claimVocabularyBuild() else { return }
        Task { try? await onPool { _ in index.prepareVocabulary() } }
    }

    /// The request's query, trimmed, once the request is within bounds.
    func validatedQuery(_ request: SearchDocumentsRequest) throws(KnowledgeError) -> String {
        let query = request.query.trimmingWhitespace()
        guard !query.isEmpty else { throw .invalidArgument("query is empty") }
        guard query.utf8.count <= limits.maximumQueryBytes else { throw .invalidArgument("query is longer than \(limits.maximumQueryBytes) bytes") }
        guard (1...50).contains(request.k) else { throw .invalidArgument("k must be between 1 and 50") }
        guard request.filter.count <= 16, request.filter.values.allSatisfy({ $0.count <= 100 }) else {
            throw .invalidArgument("a filter has at most 16 fields of at most 100 values")
        }
        return query
    }

    /// The same search done on the calling thread, when it needs nothing to wait for: the tenant's index
    /// is loaded and embeds with the built-in embedder (or the search is keyword-only). Nil otherwise (the
    /// caller then awaits ``search(_:scope:documentLanguage:)``). For a handler that already runs on the
    /// knowledge base's pool (``searchPool``): it saves two thread hops per search.
    public func searchIfReady(_ request: SearchDocumentsRequest, scope: TenantScope) throws(KnowledgeError) -> SearchDocumentsResponse? {
        let query = try validatedQuery(request)
        let start = ContinuousClock.now
        let tenant = tenant(scope.companyID)
        guard let index = tenant.readyIndex else { return nil }
        let builtIn = tenant.embedder(of: index) as? BuiltInEmbedder
        guard builtIn != nil || request.mode == .keyword else { return nil }
        let analyzed = AnalyzedText(query)
        let vector = request.mode == .keyword ? [] : builtIn?.vector(of: analyzed) ?? []
        let hits = index.search(vector: vector, terms: request.mode == .vector ? [] : index.keywordTerms(for: analyzed), k: request.k, mode: request.mode,
                                filter: request.filter, minScore: request.minScore)
        buildVocabularyIfClaimed(index)
        return Self.response(hits, mode: request.mode, since: start, note: nil)
    }

    /// The pool that chunking, embedding and scoring run on.
    public var searchPool: BlockingIOPool { pool }

    static func response(_ hits: [SearchHitCandidate], mode: SearchMode, since start: ContinuousClock.Instant, note: String?) -> SearchDocumentsResponse {
        let elapsed = ContinuousClock.now - start
        return SearchDocumentsResponse(
            results: hits.map {
                SearchHit(documentID: $0.documentID, title: $0.title, chunkIndex: $0.chunkIndex, heading: $0.heading, content: $0.content,
                          score: $0.score, metadataJSON: $0.metadataJSON)
            },
            mode: mode,
            milliseconds: Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15,
            note: note)
    }

    /// One page of the company's documents.
    public func list(_ request: ListDocumentsRequest, scope: TenantScope) async throws(KnowledgeError) -> ListDocumentsResponse {
        guard request.page >= 1, request.page <= 1_000_000, (1...100).contains(request.pageSize) else {
            throw .invalidArgument("page must be ≥ 1 and page_size between 1 and 100")
        }
        do throws(DocumentStoreError) {
            let page = try await store.list(in: scope, offset: (request.page - 1) * request.pageSize, limit: request.pageSize,
                                            category: request.category)
            return ListDocumentsResponse(total: page.total, documents: page.documents.map(Self.summary))
        } catch {
            throw .unavailable(error.message)
        }
    }

    /// One document with its chunks.
    public func document(_ id: String, scope: TenantScope) async throws(KnowledgeError) -> DocumentDetail {
        let found: StoredDocumentWithChunks?
        do throws(DocumentStoreError) {
            found = try await store.document(id, in: scope)
        } catch {
            throw .unavailable(error.message)
        }
        guard let found else { throw .documentNotFound(id) }
        return DocumentDetail(summary: Self.summary(found.document), content: found.document.content,
                              chunks: found.chunks.map { ChunkDescription(index: $0.index, heading: $0.heading, content: $0.content) })
    }

    /// The company's knowledge base in numbers.
    public func stats(scope: TenantScope, maximumDocuments: Int) async throws(KnowledgeError) -> DocumentStats {
        let index = try await index(for: scope)
        let categories: [String: Int]
        do throws(DocumentStoreError) {
            categories = try await store.categories(in: scope)
        } catch {
            throw .unavailable(error.message)
        }
        let counts = index.counts
        return DocumentStats(documents: counts.documents, chunks: counts.chunks, categories: categories, embedder: index.embedderIdentifier,
                             dimensions: index.dimensions, indexBytes: index.byteCount, maximumDocuments: maximumDocuments)
    }

    /// The hash stores keep of a document's content (SHA-256, hex).
    static func contentHash(_ content: String) -> String { Digest.hex(Digest.sha256(Array(content.utf8))) }

    static func summary(_ document: StoredDocument) -> DocumentSummary {
        DocumentSummary(id: document.id, title: document.title, contentPreview: String(document.content.prefix(200)),
                        metadataJSON: document.metadataJSON, createdAt: document.createdAt, updatedAt: document.updatedAt,
                        chunkCount: document.chunkCount)
    }
}
