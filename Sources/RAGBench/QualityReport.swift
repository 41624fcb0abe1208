import Foundation
import RAGCore
import Wire

/// hit@1, hit@3 and MRR@10 (by document) of each search mode on the labelled set, per query kind too.
struct QualityReport {
    struct Scores {
        var queries = 0
        var hit1 = 0
        var hit3 = 0
        var reciprocalRanks = 0.0
        mutating func add(rank: Int?) {
            queries += 1
            if let rank {
                if rank == 1 { hit1 += 1 }
                if rank <= 3 { hit3 += 1 }
                reciprocalRanks += 1 / Double(rank)
            }
        }
        var line: String {
            let n = Double(max(1, queries))
            return String(format: "hit@1 %.3f  hit@3 %.3f  MRR %.3f  (%d queries)", Double(hit1) / n, Double(hit3) / n, reciprocalRanks / n, queries)
        }
    }

    /// Indexes the fixture's documents per clinic with `embedder` (the built-in one, or a real model over
    /// the OpenAI embeddings API) and scores every mode.
    static func run(fixture: RetrievalFixture, embedder: any Embedder, verbose: Bool) async throws {
        let chunker = DocumentChunker()
        let builtIn = embedder as? BuiltInEmbedder
        var prepared: [(companyID: String, document: IndexableDocument)] = []
        for document in fixture.documents {
            let chunks = chunker.chunks(of: document.content)
            let fields = (document.metadata ?? [:]).mapValues { [$0] }
            prepared.append((document.companyID, IndexableDocument.embedded(id: document.id, title: document.title, fields: fields,
                                                                             chunks: chunks, embedder: builtIn)))
        }
        if builtIn == nil {
            // A model: every chunk as the service embeds it (ChunkEmbedding), in one batched call.
            let chunks = prepared.flatMap { item in item.document.chunks.map { (title: item.document.title, chunk: $0) } }
            let start = ContinuousClock.now
            let vectors = try await ChunkEmbedding.vectors(of: chunks, with: embedder)
            print("embedded \(chunks.count) chunks in \(ContinuousClock.now - start)")
            var position = 0
            prepared = prepared.map { item in
                var found: [Int: [Float]] = [:]
                for chunk in item.document.chunks {
                    found[chunk.index] = vectors[position]
                    position += 1
                }
                return (item.companyID, item.document.settingVectors(found))
            }
        }
        var indexes: [String: TenantIndex] = [:]
        for (companyID, document) in prepared {
            let index = indexes[companyID] ?? TenantIndex(scope: benchScope(companyID), dimensions: embedder.dimensions, embedder: embedder.identifier,
                                                          layout: builtIn == nil ? .rows : .columns)
            indexes[companyID] = index
            index.replace(document)
        }
        var queryVectors: [String: [Float]] = [:]
        for query in fixture.queries {
            // As the service embeds it for a clinic whose documents are in Spanish.
            queryVectors[query.id] = try await embedder.embed(query: builtIn == nil ? CrossLingualExpansion.text(for: query.query, documentLanguage: "es") : query.query)
        }
        print("Retrieval quality, embedder \(embedder.identifier) (\(embedder.dimensions) dimensions): \(fixture.documents.count) documents, \(fixture.queries.count) queries")
        for mode in SearchMode.allCases {
            var overall = Scores()
            var byKind: [String: Scores] = [:]
            for query in fixture.queries {
                guard let index = indexes[query.companyID] else { continue }
                let hits = index.search(vector: queryVectors[query.id] ?? [], text: query.query, k: 30, mode: mode)
                var ranked: [String] = []
                for hit in hits where !ranked.contains(hit.documentID) { ranked.append(hit.documentID) }
                let rank = ranked.prefix(10).firstIndex { query.relevant.contains($0) }.map { $0 + 1 }
                overall.add(rank: rank)
                byKind[query.kind, default: Scores()].add(rank: rank)
                if verbose && rank != 1 {
                    print("  [\(mode)] \(query.id) \(query.kind) rank \(rank.map(String.init) ?? "-"): \(query.query) → \(ranked.prefix(3)) want \(query.relevant)")
                }
            }
            print("  \(mode.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(overall.line)")
            for kind in byKind.keys.sorted() {
                print("    \(kind.padding(toLength: 11, withPad: " ", startingAt: 0)) \(byKind[kind]?.line ?? "")")
            }
        }
    }
}
