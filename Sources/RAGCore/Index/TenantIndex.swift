import Foundation
import Synchronization
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
    /// The ``Embedder/identifier`` of the embedder its vectors come from (queries must be embedded alike).
    public let embedderIdentifier: String
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
    /// The indexed stems, for typo-tolerant queries: nil until the first query with a word the index has
    /// never seen, kept up to date by later replacements (under the write lock). Read and built under the
    /// read lock.
    private let vocabulary = Mutex<TermVocabulary?>(nil)
    /// 1 once a query found no vocabulary in an index too large to build it on the query's path, 2 once a
    /// caller took on building it (``claimVocabularyBuild()``).
    private let vocabularyBuild = Atomic<Int>(0)

    /// Reciprocal-rank-fusion constant (the usual 60).
    static let fusionConstant: Float = 60

    /// - Parameter layout: `.columns` for an embedder whose query vectors are sparse (the built-in one),
    ///   `.rows` for dense ones (real models).
    public init(scope: TenantScope, dimensions: Int, embedder: String, layout: VectorLayout = .columns) {
        self.scope = scope
        self.dimensions = dimensions
        self.embedderIdentifier = embedder
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
            documents[document.id] = IndexedDocumentEntry(title: document.title, contentHash: document.contentHash,
                                                          metadataJSON: document.metadataJSON,
                                                          fields: document.fields, slots: slots)
            liveChunks += slots.count
            vocabulary.withLock { vocabulary in
                guard vocabulary != nil else { return }
                for chunk in document.chunks { vocabulary?.insert(AnalyzedText(IndexableDocument.indexedText(title: document.title, chunk: chunk))) }
            }
            return replaced
        }
    }

    /// An index holding `documents` (ids unique), built in one pass: the way a tenant's index is loaded.
    /// Each document's keyword terms are computed here unless it carries them.
    public static func build(scope: TenantScope, dimensions: Int, embedder: String, layout: VectorLayout = .columns,
                             documents: [IndexableDocument]) -> TenantIndex {
        let index = TenantIndex(scope: scope, dimensions: dimensions, embedder: embedder, layout: layout)
        let total = documents.reduce(0) { $0 + $1.chunks.count }
        index.vectors = layout.makeMatrix(dimensions: dimensions, capacity: total)
        index.records.reserveCapacity(total)
        index.alive.reserveCapacity(total)
        index.embedded.reserveCapacity(total)
        var terms: [[UInt64]] = []
        terms.reserveCapacity(total)
        for document in documents {
            let documentTerms = document.terms?.count == document.chunks.count ? document.terms ?? []
                : document.chunks.map { AnalyzedText(IndexableDocument.indexedText(title: document.title, chunk: $0)).contentStems }
            var slots: [Int32] = []
            slots.reserveCapacity(document.chunks.count)
            for (position, chunk) in document.chunks.enumerated() {
                slots.append(Int32(index.records.count))
                let vector = position < document.vectors.count ? document.vectors[position] : nil
                index.records.append(ChunkRecord(documentID: document.id, chunkIndex: chunk.index, heading: chunk.heading, content: chunk.content))
                index.alive.append(true)
                index.embedded.append(vector?.count == dimensions)
                index.vectors.append(vector ?? [])
                terms.append(documentTerms[position])
            }
            for (field, values) in document.fields {
                for value in Set(values) { index.fieldPostings[field, default: [:]][value, default: []].append(contentsOf: slots) }
            }
            index.documents[document.id] = IndexedDocumentEntry(title: document.title, contentHash: document.contentHash,
                                                                metadataJSON: document.metadataJSON,
                                                                fields: document.fields, slots: slots)
        }
        index.keywords = KeywordIndex.build(terms)
        index.liveChunks = total
        return index
    }

    /// Stores the vectors of a document's chunks once they are embedded (chunk index → vector), if the
    /// indexed document still has the content they were computed from. Returns how many were set.
    @discardableResult
    public func setVectors(documentID: String, contentHash: String, _ vectorsByChunk: [Int: [Float]]) -> Int {
        lock.withWriteLock {
            guard let entry = documents[documentID], entry.contentHash == contentHash else { return 0 }
            var set = 0
            for slot in entry.slots {
                guard let record = records[Int(slot)], let vector = vectorsByChunk[record.chunkIndex], vector.count == dimensions else { continue }
                vectors.set(vector, at: Int(slot))
                if !embedded[Int(slot)] { set += 1 }
                embedded[Int(slot)] = true
            }
            return set
        }
    }

    /// The vectors the index holds for a document (chunk index → vector), if it holds that version of it.
    public func embeddedVectors(of documentID: String, contentHash: String) -> [Int: [Float]]? {
        lock.withReadLock {
            guard let entry = documents[documentID], entry.contentHash == contentHash else { return nil }
            var found: [Int: [Float]] = [:]
            for slot in entry.slots where embedded[Int(slot)] {
                if let record = records[Int(slot)] { found[record.chunkIndex] = vectors.vector(at: Int(slot)) }
            }
            return found
        }
    }

    /// A chunk that is indexed for keywords but has no vector yet.
    public struct UnembeddedChunk: Sendable {
        public let documentID: String
        public let contentHash: String
        public let chunk: DocumentChunk
        /// The document's title (part of what the chunk is embedded with).
        public let title: String
    }

    /// Up to `limit` chunks without a vector, in slot order (oldest writes first).
    public func unembeddedChunks(limit: Int) -> [UnembeddedChunk] {
        lock.withReadLock {
            var found: [UnembeddedChunk] = []
            for slot in records.indices where alive[slot] && !embedded[slot] {
                guard let record = records[slot], let entry = documents[record.documentID] else { continue }
                let chunk = DocumentChunk(index: record.chunkIndex, heading: record.heading, content: record.content)
                found.append(UnembeddedChunk(documentID: record.documentID, contentHash: entry.contentHash, chunk: chunk, title: entry.title))
                if found.count == limit { break }
            }
            return found
        }
    }

    /// How many live chunks have no vector yet.
    public var unembeddedCount: Int {
        lock.withReadLock { records.indices.reduce(0) { $0 + (alive[$1] && !embedded[$1] ? 1 : 0) } }
    }

    /// The chunks of some documents, and how many of them have vectors (documents not indexed count for nothing).
    public func embeddingProgress(of documentIDs: [String]) -> (chunks: Int, embedded: Int) {
        lock.withReadLock {
            var chunks = 0, done = 0
            for id in Set(documentIDs) {
                guard let entry = documents[id] else { continue }
                chunks += entry.slots.count
                done += entry.slots.reduce(0) { $0 + (embedded[Int($1)] ? 1 : 0) }
            }
            return (chunks, done)
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
        records = []; alive = []; embedded = []; fieldPostings = [:]
        var terms: [[UInt64]] = []
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
            terms.append(AnalyzedText(IndexableDocument.indexedText(title: entry.title, chunk: chunk)).contentStems)
        }
        keywords = KeywordIndex.build(terms)
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

    /// What the index holds per document, for an audit against the store: content hash, chunk count and
    /// how many of its chunks have no usable vector.
    public func audit() -> [String: IndexedDocumentAudit] {
        lock.withReadLock {
            documents.mapValues { entry in
                IndexedDocumentAudit(contentHash: entry.contentHash, chunks: entry.slots.count,
                                     unembedded: entry.slots.filter { !embedded[Int($0)] }.count)
            }
        }
    }

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
        search(vector: vector, terms: mode == .vector ? [] : keywordTerms(for: AnalyzedText(text)), k: k, mode: mode, filter: filter,
               minScore: minScore)
    }

    /// The same search with the query's keyword terms already computed (one analysis for both halves).
    func search(vector: [Float], terms: [UInt64], k: Int, mode: SearchMode, filter: [String: [String]] = [:],
                minScore: Double? = nil) -> [SearchHitCandidate] {
        lock.withReadLock {
            let count = records.count
            guard count > 0 else { return [] }
            let allowed = filterMask(filter, count: count)
            let candidates = mode == .hybrid ? max(k * 4, 40) : k
            var vectorRanking: [(score: Float, slot: Int32)] = []
            var keywordRanking: [(score: Float, slot: Int32)] = []
            if mode != .keyword && dimensions > 0 && vector.count == dimensions {
                var scores = [Float](repeating: 0, count: count)
                vectors.score(vector, into: &scores)
                var top = TopK(candidates)
                // The score test first: once the heap is full, almost every slot fails it.
                var threshold = top.threshold
                scores.withUnsafeBufferPointer { scores in
                    for slot in 0..<count where scores[slot] > threshold && scores[slot] > 0 {
                        guard alive[slot], embedded[slot], allowed?[slot] ?? true else { continue }
                        top.insert(scores[slot], Int32(slot))
                        threshold = top.threshold
                    }
                }
                vectorRanking = top.sorted()
            }
            if mode != .vector && !terms.isEmpty {
                var scores = [Float](repeating: 0, count: count)
                keywords.accumulate(terms, alive: alive, allowed: allowed, into: &scores)
                var top = TopK(candidates)
                var threshold = top.threshold
                scores.withUnsafeBufferPointer { scores in
                    for slot in 0..<count where scores[slot] > threshold && scores[slot] > 0 {
                        top.insert(scores[slot], Int32(slot))
                        threshold = top.threshold
                    }
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

    /// The keyword terms of a query: its stems and their concepts (``AnalyzedText/contentStems``) and, for
    /// each stem of ``TermVocabulary/minimumLength`` bytes or more that no chunk holds (a typo such as
    /// "inplante"), up to ``maximumCorrections`` indexed stems one edit away, most frequent first, with
    /// their concepts. At most ``maximumCorrectedWords`` words of a query are corrected.
    func keywordTerms(for analyzed: AnalyzedText) -> [UInt64] {
        var terms = analyzed.contentStems
        lock.withReadLock {
            var unknown: [ArraySlice<UInt8>] = []
            for (position, range) in analyzed.words.enumerated() where !analyzed.isStopWord[position] {
                guard unknown.count < Self.maximumCorrectedWords, keywords.documentFrequency(of: analyzed.stems[position]) == 0 else { continue }
                let word = analyzed.folded[range]
                let stem = word.prefix(LightStemmer.stemLength(word))
                if stem.count >= TermVocabulary.minimumLength { unknown.append(stem) }
            }
            guard !unknown.isEmpty, liveChunks > 0 else { return }
            // A copy (copy-on-write: no copying) used under the read lock, so no writer changes it meanwhile;
            // the mutex is only held to take it or to store a newly built one, never during a build.
            var current = vocabulary.withLock { $0 }
            if current == nil {
                guard liveChunks <= Self.vocabularyOnQueryPathChunks else {
                    // About 14 µs per chunk: too long to make this query wait; corrections start once it is built.
                    _ = vocabularyBuild.compareExchange(expected: 0, desired: 1, ordering: .relaxed)
                    return
                }
                let built = vocabularyLocked()
                current = vocabulary.withLock { stored in
                    if stored == nil { stored = built }
                    return stored
                }
            }
            guard let current else { return }
            for stem in unknown {
                for hash in current.corrections(of: stem, frequency: keywords.documentFrequency(of:)).prefix(Self.maximumCorrections) {
                    terms.append(hash)
                    if let concepts = BilingualLexicon.concepts[hash] { terms.append(contentsOf: concepts) }
                }
            }
        }
        return terms
    }

    static let maximumCorrectedWords = 8
    static let maximumCorrections = 3
    /// Up to this many live chunks, the first query that needs the vocabulary builds it (about 0.15 s at
    /// 10,000 chunks); a larger index leaves it to ``prepareVocabulary()`` off the query's path.
    public static let vocabularyOnQueryPathChunks = 20_000

    /// Builds the typo-tolerance vocabulary if it is not built yet (a long computation for a large index:
    /// run it on a blocking pool). Searches go on meanwhile (uncorrected); writes wait for the read lock.
    public func prepareVocabulary() {
        lock.withReadLock {
            guard vocabulary.withLock({ $0 == nil }) else { return }
            let built = vocabularyLocked()
            vocabulary.withLock { stored in
                if stored == nil { stored = built }
            }
        }
    }

    /// True once, for the caller that should run ``prepareVocabulary()`` because a query needed the
    /// vocabulary of an index too large to build it on the query's path.
    public func claimVocabularyBuild() -> Bool {
        vocabularyBuild.compareExchange(expected: 1, desired: 2, ordering: .relaxed).exchanged
    }

    /// The vocabulary of the live chunks (under `lock`).
    private func vocabularyLocked() -> TermVocabulary {
        var vocabulary = TermVocabulary()
        for slot in records.indices where alive[slot] {
            guard let record = records[slot], let entry = documents[record.documentID] else { continue }
            let chunk = DocumentChunk(index: record.chunkIndex, heading: record.heading, content: record.content)
            vocabulary.insert(AnalyzedText(IndexableDocument.indexedText(title: entry.title, chunk: chunk)))
        }
        return vocabulary
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

// MARK: Snapshots

extension TenantIndex {
    /// What a snapshot must match to be used: the format, the analyser (stemmer, lexicon, embedder) and
    /// the store's version of the tenant's data when the snapshot was taken.
    public struct SnapshotStamp: Sendable, Equatable {
        public var embedder: String
        public var storeVersion: UInt64
        public init(embedder: String, storeVersion: UInt64) {
            self.embedder = embedder
            self.storeVersion = storeVersion
        }
    }

    static let snapshotMagic: UInt32 = 0x5241_4753 // "RAGS"
    static let snapshotFormat: UInt32 = 2

    /// Writes the whole index to `path` (atomically) under the read lock: searches go on meanwhile.
    public func writeSnapshot(to path: String, stamp: SnapshotStamp) -> Bool {
        guard let writer = SnapshotWriter(path: path) else { return false }
        return lock.withReadLock {
            writer.u32(Self.snapshotMagic)
            writer.u32(Self.snapshotFormat)
            writer.string(stamp.embedder)
            writer.u64(stamp.storeVersion)
            writer.string(scope.companyID.rawValue)
            writer.int(dimensions)
            writer.u8(layout == .columns ? 0 : 1)
            // Documents, in a fixed order; slots point at them by position.
            let ordered = documents.sorted { $0.key < $1.key }
            var position: [String: UInt32] = [:]
            writer.int(ordered.count)
            for (offset, (id, entry)) in ordered.enumerated() {
                position[id] = UInt32(offset)
                writer.string(id)
                writer.string(entry.title)
                writer.string(entry.contentHash)
                writer.string(entry.metadataJSON)
                writer.int(entry.fields.count)
                for (field, values) in entry.fields.sorted(by: { $0.key < $1.key }) {
                    writer.string(field)
                    writer.int(values.count)
                    for value in values { writer.string(value) }
                }
            }
            writer.int(records.count)
            for slot in records.indices {
                guard let record = records[slot], alive[slot], let document = position[record.documentID] else {
                    writer.u8(0)
                    continue
                }
                writer.u8(embedded[slot] ? 2 : 1)
                writer.u32(document)
                writer.int(record.chunkIndex)
                writer.string(record.heading)
                writer.string(record.content)
            }
            vectors.write(to: writer)
            keywords.write(to: writer)
            return writer.finish()
        }
    }

    /// The index in the snapshot at `path` and the store version it was stamped with, or nil when there
    /// is none, it is corrupt, or it was made for another embedder, scope, dimension or layout (the caller
    /// then rebuilds from the store).
    public static func readSnapshot(from path: String, scope: TenantScope, dimensions: Int, layout: VectorLayout,
                                    embedder: String) -> (TenantIndex, UInt64)? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        return data.withUnsafeBytes { bytes -> (TenantIndex, UInt64)? in
            var reader = SnapshotReader(bytes)
            do throws(SnapshotReader.Corrupt) {
                guard try reader.u32() == snapshotMagic, try reader.u32() == snapshotFormat, try reader.string() == embedder else { return nil }
                let version = try reader.u64()
                guard try reader.string() == scope.companyID.rawValue, try reader.int() == dimensions,
                      try reader.u8() == (layout == .columns ? 0 : 1) else { return nil }
                let index = TenantIndex(scope: scope, dimensions: dimensions, embedder: embedder, layout: layout)
                let documentCount = try reader.int()
                var ids: [String] = []
                ids.reserveCapacity(documentCount)
                var entries: [IndexedDocumentEntry] = []
                entries.reserveCapacity(documentCount)
                for _ in 0..<documentCount {
                    ids.append(try reader.string())
                    let title = try reader.string(), contentHash = try reader.string(), metadata = try reader.string()
                    var fields: [String: [String]] = [:]
                    for _ in 0..<(try reader.int()) {
                        let field = try reader.string()
                        var values: [String] = []
                        for _ in 0..<(try reader.int()) { values.append(try reader.string()) }
                        fields[field] = values
                    }
                    entries.append(IndexedDocumentEntry(title: title, contentHash: contentHash, metadataJSON: metadata, fields: fields, slots: []))
                }
                let slotCount = try reader.int()
                index.records.reserveCapacity(slotCount)
                index.alive.reserveCapacity(slotCount)
                index.embedded.reserveCapacity(slotCount)
                for slot in 0..<slotCount {
                    let flag = try reader.u8()
                    guard flag != 0 else {
                        index.records.append(nil)
                        index.alive.append(false)
                        index.embedded.append(false)
                        continue
                    }
                    let document = Int(try reader.u32())
                    guard document < entries.count else { throw SnapshotReader.Corrupt() }
                    let chunkIndex = try reader.int(), heading = try reader.string(), content = try reader.string()
                    index.records.append(ChunkRecord(documentID: ids[document], chunkIndex: chunkIndex, heading: heading, content: content))
                    index.alive.append(true)
                    index.embedded.append(flag == 2)
                    entries[document].slots.append(Int32(slot))
                    index.liveChunks += 1
                }
                try index.vectors.read(from: &reader, count: slotCount)
                index.keywords = try KeywordIndex.read(from: &reader, slotCount: slotCount)
                for (position, entry) in entries.enumerated() {
                    index.documents[ids[position]] = entry
                    for (field, values) in entry.fields {
                        for value in Set(values) { index.fieldPostings[field, default: [:]][value, default: []].append(contentsOf: entry.slots) }
                    }
                }
                return (index, version)
            } catch {
                return nil
            }
        }
    }
}
