import TenantStorage
import Wire

/// One company's in-memory search index: the chunks' vectors (``ColumnMajorVectors``), a BM25 keyword index
/// (``KeywordIndex``), and metadata postings for filters.
///
/// A separate object per tenant, created for one ``TenantScope``: a search reads this object only, so no
/// call can reach another company's chunks. Searches share a read lock and run in parallel; a document
/// replacement or removal takes the write lock for the in-memory change only. Removed chunks leave holes
/// (their slots are marked dead) until a quarter of the slots are dead, then the index compacts itself.
public final class TenantIndex: @unchecked Sendable {
    // Mutable state is guarded by `lock` (searches under the read lock, changes under the write lock).
    public let scope: TenantScope
    public let dimensions: Int
    private let lock = ReadWriteLock()
    public let layout: VectorLayout
    private var vectors: any VectorMatrix
    private var keywords = KeywordIndex()
    private var records: [ChunkRecord?] = []
    private var alive: [Bool] = []
    private var embedded: [Bool] = []
    private var documents: [String: IndexedDocumentEntry] = [:]
    private var fieldPostings: [String: [String: [Int32]]] = [:]
    private var liveChunks = 0

    /// Reciprocal-rank-fusion constant (the usual 60).
    static let fusionConstant: Float = 60

    /// - Parameter layout: `.columns` for an embedder whose query vectors are sparse (the built-in one),
    ///   `.rows` for dense ones (real models).
    public init(scope: TenantScope, dimensions: Int, layout: VectorLayout = .columns) {
        self.scope = scope
        self.dimensions = dimensions
        self.layout = layout
        vectors = layout.makeMatrix(dimensions: dimensions)
    }

    // MARK: Changes

    /// Adds `document`, replacing any earlier version with the same id. Returns whether one was replaced.
    @discardableResult
    public func replace(_ document: IndexableDocument) -> Bool {
        let analyzed = document.terms?.count == document.chunks.count ? document.terms ?? []
            : document.chunks.map { AnalyzedText(IndexableDocument.indexedText(title: document.title, chunk: $0)).contentStems }
        return lock.withWriteLock {
            let replaced = removeLocked(document.id) > 0 || documents[document.id] != nil
            var slots: [Int32] = []
            for (position, chunk) in document.chunks.enumerated() {
                let slot = Int32(records.count)
                let vector = position < document.vectors.count ? document.vectors[position] : nil
                records.append(ChunkRecord(documentID: document.id, chunkIndex: chunk.index, heading: chunk.heading, content: chunk.content))
                alive.append(true)
                embedded.append(vector?.count == dimensions)
                vectors.append(vector ?? [])
                keywords.append(terms: analyzed[position])
                slots.append(slot)
            }
            for (field, values) in document.fields {
                for value in Set(values) { fieldPostings[field, default: [:]][value, default: []].append(contentsOf: slots) }
            }
            documents[document.id] = IndexedDocumentEntry(title: document.title, metadataJSON: document.metadataJSON,
                                                          fields: document.fields, slots: slots)
            liveChunks += slots.count
            return replaced
        }
    }

    /// Stores the vectors of a document's chunks once they are embedded (chunk index → vector).
    public func setVectors(documentID: String, _ vectorsByChunk: [Int: [Float]]) {
        lock.withWriteLock {
            guard let entry = documents[documentID] else { return }
            for slot in entry.slots {
                guard let record = records[Int(slot)], let vector = vectorsByChunk[record.chunkIndex], vector.count == dimensions else { continue }
                vectors.set(vector, at: Int(slot))
                embedded[Int(slot)] = true
            }
        }
    }

    /// Removes a document; returns how many chunks it had (0 when it was not indexed).
    @discardableResult
    public func remove(_ documentID: String) -> Int {
        lock.withWriteLock { removeLocked(documentID) }
    }

    /// Removes everything.
    public func removeAll() {
        lock.withWriteLock {
            vectors = layout.makeMatrix(dimensions: dimensions)
            keywords = KeywordIndex()
            records = []; alive = []; embedded = []; documents = [:]; fieldPostings = [:]; liveChunks = 0
        }
    }

    private func removeLocked(_ documentID: String) -> Int {
        guard let entry = documents.removeValue(forKey: documentID) else { return 0 }
        for slot in entry.slots where alive[Int(slot)] {
            alive[Int(slot)] = false
            records[Int(slot)] = nil
            keywords.removed(slot: Int(slot))
        }
        liveChunks -= entry.slots.count
        let dead = records.count - liveChunks
        if dead > 256 && dead * 4 > records.count { compactLocked() }
        return entry.slots.count
    }

    /// Rebuilds the storage without the dead slots (same documents, same order).
    private func compactLocked() {
        let old = (vectors: vectors, records: records, alive: alive, embedded: embedded, keywords: keywords)
        vectors = layout.makeMatrix(dimensions: dimensions, capacity: liveChunks)
        keywords = KeywordIndex()
        records = []; alive = []; embedded = []; fieldPostings = [:]
        var moved: [Int32: Int32] = [:]
        for slot in old.records.indices where old.alive[slot] {
            guard let record = old.records[slot], let entry = documents[record.documentID] else { continue }
            let newSlot = Int32(records.count)
            moved[Int32(slot)] = newSlot
            records.append(record)
            alive.append(true)
            embedded.append(old.embedded[slot])
            vectors.append(old.vectors.vector(at: slot))
            let chunk = DocumentChunk(index: record.chunkIndex, heading: record.heading, content: record.content)
            keywords.append(terms: AnalyzedText(IndexableDocument.indexedText(title: entry.title, chunk: chunk)).contentStems)
        }
        for (id, entry) in documents {
            var updated = entry
            updated.slots = entry.slots.compactMap { moved[$0] }
            documents[id] = updated
            for (field, values) in entry.fields {
                for value in Set(values) { fieldPostings[field, default: [:]][value, default: []].append(contentsOf: updated.slots) }
            }
        }
    }

    // MARK: Reading

    /// The number of documents and live chunks.
    public var counts: (documents: Int, chunks: Int) { lock.withReadLock { (documents.count, liveChunks) } }

    /// Whether the index holds `documentID`, and its chunk count.
    public func chunkCount(of documentID: String) -> Int? { lock.withReadLock { documents[documentID]?.slots.count } }

    /// The ids of the documents held.
    public var documentIDs: Set<String> { lock.withReadLock { Set(documents.keys) } }

    /// The approximate bytes the index occupies.
    public var byteCount: Int {
        lock.withReadLock {
            vectors.byteCount + keywords.byteCount
                + records.reduce(0) { $0 + 64 + ($1?.content.utf8.count ?? 0) + ($1?.heading.utf8.count ?? 0) }
        }
    }

    /// The `k` best chunks for a query, best first.
    ///
    /// - Parameters:
    ///   - vector: the query's embedding (ignored in keyword mode; an empty one disables the vector half).
    ///   - text: the query text (its stems feed the keyword half).
    ///   - filter: metadata field → accepted values, applied inside both halves.
    ///   - minScore: in the mode's scale: cosine (vector), BM25 (keyword), fused score in [0, 1] (hybrid:
    ///     reciprocal-rank fusion divided by its maximum, so 1 means first in both lists).
    public func search(vector: [Float], text: String, k: Int, mode: SearchMode, filter: [String: [String]] = [:],
                       minScore: Double? = nil) -> [SearchHitCandidate] {
        let terms = AnalyzedText(text).contentStems
        return lock.withReadLock {
            let count = records.count
            guard count > 0 else { return [] }
            let allowed = filterMask(filter, count: count)
            let candidates = mode == .hybrid ? max(k * 4, 40) : k
            var vectorRanking: [(score: Float, slot: Int32)] = []
            var keywordRanking: [(score: Float, slot: Int32)] = []
            if mode != .keyword && vector.count == dimensions {
                var scores = [Float](repeating: 0, count: count)
                vectors.score(vector, into: &scores)
                var top = TopK(candidates)
                for slot in 0..<count where alive[slot] && embedded[slot] && (allowed?[slot] ?? true) {
                    let score = scores[slot]
                    if score > top.threshold { top.insert(score, Int32(slot)) }
                }
                vectorRanking = top.sorted().filter { $0.score > 0 }
            }
            if mode != .vector && !terms.isEmpty {
                var scores = [Float](repeating: 0, count: count)
                keywords.accumulate(terms, alive: alive, allowed: allowed, into: &scores)
                var top = TopK(candidates)
                for slot in 0..<count {
                    let score = scores[slot]
                    if score > 0 && score > top.threshold { top.insert(score, Int32(slot)) }
                }
                keywordRanking = top.sorted()
            }
            let ranked: [(score: Float, slot: Int32)]
            switch mode {
            case .vector: ranked = vectorRanking
            case .keyword: ranked = keywordRanking
            case .hybrid: ranked = Self.fuse(vectorRanking, keywordRanking, k: k)
            }
            var hits: [SearchHitCandidate] = []
            for (score, slot) in ranked.prefix(k) {
                if let minScore, Double(score) < minScore { continue }
                guard let record = records[Int(slot)], let entry = documents[record.documentID] else { continue }
                hits.append(SearchHitCandidate(documentID: record.documentID, title: entry.title, chunkIndex: record.chunkIndex,
                                               heading: record.heading, content: record.content, score: Double(score),
                                               metadataJSON: entry.metadataJSON))
            }
            return hits
        }
    }

    /// Reciprocal rank fusion of two rankings, scaled so that first in both is 1.
    static func fuse(_ a: [(score: Float, slot: Int32)], _ b: [(score: Float, slot: Int32)], k: Int) -> [(score: Float, slot: Int32)] {
        var fused: [Int32: Float] = [:]
        for (rank, item) in a.enumerated() { fused[item.slot, default: 0] += 1 / (fusionConstant + Float(rank + 1)) }
        for (rank, item) in b.enumerated() { fused[item.slot, default: 0] += 1 / (fusionConstant + Float(rank + 1)) }
        let maximum = 2 / (fusionConstant + 1)
        var top = TopK(k)
        for (slot, score) in fused { top.insert(score / maximum, slot) }
        return top.sorted()
    }

    /// The slots every filter field accepts (nil when there is no filter).
    private func filterMask(_ filter: [String: [String]], count: Int) -> [Bool]? {
        guard !filter.isEmpty else { return nil }
        var mask = [Bool](repeating: true, count: count)
        for (field, accepted) in filter {
            var fieldMask = [Bool](repeating: false, count: count)
            if let postings = fieldPostings[field] {
                for value in accepted { for slot in postings[value] ?? [] { fieldMask[Int(slot)] = true } }
            }
            for slot in 0..<count where !fieldMask[slot] { mask[slot] = false }
        }
        return mask
    }
}
