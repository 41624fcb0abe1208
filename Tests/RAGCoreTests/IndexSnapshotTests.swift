import BlockingIO
import Foundation
import Testing
import TenantStorage
import Wire
@testable import RAGCore

struct IndexSnapshotTests {
    let embedder = BuiltInEmbedder()

    func temporaryFile() -> String { NSTemporaryDirectory() + "rag-snapshot-\(UUID().uuidString.prefix(8))/index.snapshot" }

    func sampleIndex() -> TenantIndex {
        let index = TenantIndex(scope: testScope("benova"), dimensions: embedder.dimensions, embedder: embedder.identifier)
        for number in 0..<40 {
            let chunks = DocumentChunker().chunks(of: "# Tema \(number)\nTratamiento número \(number) con láser y toxina. Precio \(number * 10) €.")
            index.replace(IndexableDocument.embedded(id: "doc\(number)", title: "Documento \(number)", metadataJSON: #"{"n":\#(number % 3)}"#,
                                                     fields: ["n": ["\(number % 3)"]], chunks: chunks, embedder: embedder))
        }
        index.remove("doc7") // a dead slot is carried over as such
        return index
    }

    func results(_ index: TenantIndex, _ query: String, filter: [String: [String]] = [:]) -> [String] {
        index.search(vector: embedder.vector(query), text: query, k: 10, mode: .hybrid, filter: filter).map { "\($0.documentID)#\($0.chunkIndex):\($0.score)" }
    }

    @Test func aSnapshot_RestoresAnIdenticalIndex() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let index = sampleIndex()
        let stamp = TenantIndex.SnapshotStamp(embedder: embedder.identifier, storeVersion: 41)
        #expect(index.writeSnapshot(to: path, stamp: stamp))
        let (restored, version) = try #require(TenantIndex.readSnapshot(from: path, scope: testScope("benova"),
                                                                        dimensions: embedder.dimensions, layout: .columns,
                                                                        embedder: embedder.identifier))
        #expect(version == 41)
        #expect(restored.counts == index.counts)
        for query in ["precio láser", "tratamiento número 12", "toxina 7"] {
            #expect(results(restored, query) == results(index, query))
            #expect(results(restored, query, filter: ["n": ["1"]]) == results(index, query, filter: ["n": ["1"]]))
        }
        // What is appended after a restore lands beside the restored postings.
        let chunks = DocumentChunker().chunks(of: "Mesoterapia capilar nueva.")
        restored.replace(IndexableDocument.embedded(id: "new", title: "Nuevo", chunks: chunks, embedder: embedder))
        #expect(restored.search(vector: [], text: "mesoterapia capilar", k: 1, mode: .keyword).first?.documentID == "new")
    }

    @Test func aForeignOrDamagedSnapshot_IsNotUsed() throws {
        let path = temporaryFile()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let stamp = TenantIndex.SnapshotStamp(embedder: embedder.identifier, storeVersion: 3)
        #expect(sampleIndex().writeSnapshot(to: path, stamp: stamp))
        func read(_ scope: TenantScope = testScope("benova"), embedder identifier: String? = nil, layout: VectorLayout = .columns) -> UInt64? {
            TenantIndex.readSnapshot(from: path, scope: scope, dimensions: embedder.dimensions, layout: layout,
                                     embedder: identifier ?? embedder.identifier)?.1
        }
        #expect(read() == 3)
        #expect(read(embedder: "other") == nil)
        #expect(read(testScope("medispa")) == nil)
        #expect(read(layout: .rows) == nil)
        // Truncated at every tenth of its length, or with bytes flipped: never a crash, never an index.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for tenth in 1..<10 {
            try bytes.prefix(bytes.count * tenth / 10).write(to: URL(fileURLWithPath: path))
            #expect(read() == nil)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var damaged = bytes
            for _ in 0..<8 { damaged[Int.random(in: 40..<damaged.count, using: &generator)] ^= 0xFF }
            try damaged.write(to: URL(fileURLWithPath: path))
            // A flipped byte in text or a vector may still read; a structural one must not crash.
            _ = read()
        }
    }

    @Test func knowledgeBase_UsesItsSnapshot_OnlyWhileTheStoreHasNotChanged() async throws {
        let directory = NSTemporaryDirectory() + "rag-kb-snapshot-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pool = BlockingIOPool(name: "rag-snapshot-test", threads: 2)
        let scope = testScope("dental")
        let store = try await SQLiteDocumentStore(path: directory + "/knowledge.sqlite3")
        let first = KnowledgeBase(store: store, snapshotDirectory: directory + "/snapshots", pool: pool)
        _ = try await first.add([DocumentInput(id: "a", content: "Blanqueamiento dental con luz LED.")], scope: scope, maximumDocuments: 10)
        await first.snapshotChangedTenants()
        let path = try #require(first.snapshotPath(scope))
        #expect(FileManager.default.fileExists(atPath: path))

        // Another writer changes the store after the snapshot: the next load must not use it.
        let other = KnowledgeBase(store: store, pool: pool)
        _ = try await other.add([DocumentInput(id: "b", content: "Ortodoncia invisible con alineadores.")], scope: scope, maximumDocuments: 10)
        let reloaded = KnowledgeBase(store: store, snapshotDirectory: directory + "/snapshots", pool: pool)
        let hits = try await reloaded.search(SearchDocumentsRequest(companyID: scope.companyID, query: "alineadores", k: 3, mode: .keyword),
                                             scope: scope)
        #expect(hits.results.first?.documentID == "b")
        #expect(try await reloaded.purge(scope) == 2)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
