import BlockingIO
import Foundation
import RAGCore
import Wire

/// Ingest, search latency, memory and start-up on a synthetic corpus written by
/// `../shared/peers/rag/make_corpus.py` (the same files the peer script reads), one thread, k = 10.
struct SpeedBench {
    struct Chunk: Decodable { var id: String; var title: String; var text: String }
    struct Query: Decodable { var text: String; var vector: [Float] }

    static let k = 10
    static let runs = 5

    static func run(corpus: String, startupDatabase: String?, ingestOnly: Bool = false) async throws {
        let chunks = try String(contentsOfFile: corpus + "/chunks.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Chunk.self, from: Data($0.utf8)) }
        let queries = try String(contentsOfFile: corpus + "/queries.jsonl", encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Query.self, from: Data($0.utf8)) }
        let raw = try Data(contentsOf: URL(fileURLWithPath: corpus + "/vectors.f32"))
        let dimensions = raw.count / 4 / max(1, chunks.count)
        let corpusVectors: [[Float]] = raw.withUnsafeBytes { bytes in
            (0..<chunks.count).map { row in (0..<dimensions).map { bytes.load(fromByteOffset: (row * dimensions + $0) * 4, as: Float.self) } }
        }
        print("\(chunks.count) chunks, \(queries.count) queries, k=\(k), 1 thread, \(runs) runs (median of per-run p50/p99)")

        // Built-in embedder: ingest (chunking + embedding + indexing), memory, then every mode.
        let embedder = BuiltInEmbedder()
        let chunker = DocumentChunker()
        let rssBefore = residentBytes()
        let index = TenantIndex(scope: benchScope("bench"), dimensions: embedder.dimensions, embedder: embedder.identifier)
        let ingestStart = ContinuousClock.now
        for chunk in chunks {
            let pieces = chunker.chunks(of: chunk.text)
            index.replace(IndexableDocument.embedded(id: chunk.id, title: chunk.title, chunks: pieces, embedder: embedder))
        }
        let ingestSeconds = milliseconds(since: ingestStart) / 1e3
        let indexBytes = residentBytes() - rssBefore
        let rawBytes = chunks.reduce(0) { $0 + $1.text.utf8.count + $1.title.utf8.count } + index.counts.chunks * embedder.dimensions * 4
        print(String(format: "  ingest (built-in): %.0f chunks/s (%d indexed chunks in %.2f s)", Double(index.counts.chunks) / ingestSeconds,
                     index.counts.chunks, ingestSeconds))
        print(String(format: "  memory: %.1f MB resident for the index, %.1f MB per 10,000 chunks, %.2f x (raw text + float32 vectors = %.1f MB)",
                     Double(indexBytes) / 1e6, Double(indexBytes) / 1e6 * 10_000 / Double(max(1, chunks.count)),
                     Double(indexBytes) / Double(max(1, rawBytes)), Double(rawBytes) / 1e6))
        if ingestOnly { return }
        for mode in [SearchMode.hybrid, .vector, .keyword] {
            let (p50, p99) = measure(queries) { query in
                let vector = mode == .keyword ? [] : embedder.vector(query.text)
                _ = index.search(vector: vector, text: query.text, k: k, mode: mode)
            }
            print(String(format: "  built-in %-7@ (query embedding included): p50 %.3f ms  p99 %.3f ms", mode.rawValue, p50, p99))
        }
        // A word no chunk holds: the first one makes a small index build its typo-tolerance vocabulary on the
        // query's path; a large one leaves it to prepareVocabulary() (the service runs it on its pool).
        let typoStart = ContinuousClock.now
        _ = index.search(vector: [], text: "zzqxwvutsr", k: k, mode: .keyword)
        let firstTypo = milliseconds(since: typoStart)
        let vocabularyStart = ContinuousClock.now, rssBeforeVocabulary = residentBytes()
        index.prepareVocabulary()
        let vocabularySeconds = milliseconds(since: vocabularyStart) / 1e3
        let vocabularyBytes = max(0, residentBytes() - rssBeforeVocabulary)
        let (typoP50, typoP99) = measure(queries) { query in _ = index.search(vector: [], text: query.text + " zzqxwvutsr", k: k, mode: .keyword) }
        let offPath = index.counts.chunks > TenantIndex.vocabularyOnQueryPathChunks
        print(String(format: "  keyword with an unknown word: first query %.1f ms, typo vocabulary built in %.2f s (%@)%@, then p50 %.3f ms  p99 %.3f ms",
                     firstTypo, offPath ? vocabularySeconds : firstTypo / 1e3, offPath ? "off the query path" : "by that query",
                     offPath ? String(format: ", %.1f MB", Double(vocabularyBytes) / 1e6) : "", typoP50, typoP99))

        // The corpus's own dense vectors (the peers' numpy/faiss input), to compare the vector scan itself.
        let dense = TenantIndex(scope: benchScope("dense"), dimensions: dimensions, embedder: "random-dense", layout: .rows)
        for (position, chunk) in chunks.enumerated() {
            dense.replace(IndexableDocument(id: chunk.id, title: "", metadataJSON: "{}", fields: [:],
                                            chunks: [DocumentChunk(index: 0, heading: "", content: chunk.text)], vectors: [corpusVectors[position]]))
        }
        let (vectorP50, vectorP99) = measure(queries) { query in _ = dense.search(vector: query.vector, text: "", k: k, mode: .vector) }
        print(String(format: "  dense %d-dim vector scan (peer: numpy flat): p50 %.3f ms  p99 %.3f ms", dimensions, vectorP50, vectorP99))
        let (keywordP50, keywordP99) = measure(queries) { query in _ = dense.search(vector: [], text: query.text, k: k, mode: .keyword) }
        print(String(format: "  keyword BM25 (peer: bm25s): p50 %.3f ms  p99 %.3f ms", keywordP50, keywordP99))

        if let startupDatabase { try await startup(chunks: chunks, path: startupDatabase) }
    }

    /// Per-query latency over every query, `runs` times; the medians of the per-run p50 and p99.
    static func measure(_ queries: [Query], _ body: (Query) -> Void) -> (Double, Double) {
        for query in queries.prefix(20) { body(query) } // warm-up
        var p50s: [Double] = [], p99s: [Double] = []
        for _ in 0..<runs {
            var latencies: [Double] = []
            latencies.reserveCapacity(queries.count)
            for query in queries {
                let start = ContinuousClock.now
                body(query)
                latencies.append(milliseconds(since: start))
            }
            let (p50, p99) = percentiles(latencies)
            p50s.append(p50)
            p99s.append(p99)
        }
        return (p50s.sorted()[runs / 2], p99s.sorted()[runs / 2])
    }

    /// Writes the corpus through a knowledge base into SQLite (skipped when the file exists), then times a
    /// fresh knowledge base loading the tenant's index from it: the service's start-up for that tenant.
    static func startup(chunks: [Chunk], path: String) async throws {
        let pool = BlockingIOPool(name: "rag-bench", threads: 2)
        let scope = benchScope("bench")
        if !FileManager.default.fileExists(atPath: path) {
            let knowledge = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), pool: pool)
            let start = ContinuousClock.now
            for batch in stride(from: 0, to: chunks.count, by: 1_000) {
                let inputs = chunks[batch..<min(chunks.count, batch + 1_000)].map { DocumentInput(id: $0.id, title: $0.title, content: $0.text) }
                _ = try await knowledge.add(inputs, scope: scope, maximumDocuments: .max)
            }
            print(String(format: "  ingest into SQLite through the knowledge base: %.0f chunks/s", Double(chunks.count) / (milliseconds(since: start) / 1e3)))
        }
        let store = try await SQLiteDocumentStore(path: path)
        let readStart = ContinuousClock.now
        let rows = try await store.all(in: scope)
        print(String(format: "  (reading %d documents from SQLite alone: %.2f s)", rows.count, milliseconds(since: readStart) / 1e3))
        let snapshots = (path as NSString).deletingLastPathComponent + "/snapshots"
        try? FileManager.default.removeItem(atPath: snapshots)
        for attempt in ["from the store (no snapshot yet)", "from the snapshot"] {
            let knowledge = KnowledgeBase(store: store, snapshotDirectory: snapshots, pool: pool)
            let start = ContinuousClock.now
            let index = try await knowledge.index(for: scope)
            print(String(format: "  start-up %@: %d chunks in %.2f s", attempt, index.counts.chunks, milliseconds(since: start) / 1e3))
            // What the service's periodic snapshot does after the first load.
            let snapshotStart = ContinuousClock.now
            await knowledge.snapshotChangedTenants()
            if attempt.hasPrefix("from the store") {
                print(String(format: "  (snapshot written in %.2f s)", milliseconds(since: snapshotStart) / 1e3))
            }
        }
    }
}
