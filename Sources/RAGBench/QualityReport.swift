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

    static func run(fixture: RetrievalFixture, verbose: Bool) async {
        let embedder = BuiltInEmbedder()
        let chunker = DocumentChunker()
        var indexes: [String: TenantIndex] = [:]
        for document in fixture.documents {
            let index = indexes[document.companyID] ?? TenantIndex(scope: benchScope(document.companyID), dimensions: embedder.dimensions, embedder: embedder.identifier)
            indexes[document.companyID] = index
            let chunks = chunker.chunks(of: document.content)
            let fields = (document.metadata ?? [:]).mapValues { [$0] }
            index.replace(IndexableDocument.embedded(id: document.id, title: document.title, fields: fields, chunks: chunks, embedder: embedder))
        }
        print("Retrieval quality, built-in embedder (\(embedder.identifier)): \(fixture.documents.count) documents, \(fixture.queries.count) queries")
        for mode in SearchMode.allCases {
            var overall = Scores()
            var byKind: [String: Scores] = [:]
            for query in fixture.queries {
                guard let index = indexes[query.companyID] else { continue }
                let hits = index.search(vector: embedder.vector(query.query), text: query.query, k: 30, mode: mode)
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
