import Foundation
import RedisClient
import Testing
import TenantStorage
import Wire
@testable import RAGCore

/// The stores every store test runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, redis
    var testDescription: String { rawValue }
}

/// A store of `kind` and a way to close it (the Redis one on the server scripts/test.sh starts).
func makeTestStore(_ kind: StoreKind) async throws -> (store: any DocumentStore, close: @Sendable () -> Void) {
    switch kind {
    case .sqlite:
        let directory = NSTemporaryDirectory() + "rag-store-\(UUID().uuidString.prefix(8))"
        let store = try await SQLiteDocumentStore(path: directory + "/knowledge.sqlite3")
        return (store, { store.close(); try? FileManager.default.removeItem(atPath: directory) })
    case .redis:
        guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
            throw DocumentStoreError("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
        }
        let redis = try RedisClient(url: url, poolSize: 2)
        return (RedisDocumentStore(redis: redis), { redis.shutdown() })
    }
}

/// One contract, every store: the embedded SQLite store and the Redis store (against the real server
/// scripts/test.sh starts; without `TEST_REDIS_URL` the Redis cases fail loudly).
struct DocumentStoreContractTests {
    /// A fresh tenant (random id, so runs against one Redis never meet).
    func freshScope() -> TenantScope { testScope("t" + UUID().uuidString.prefix(8).lowercased()) }

    func document(_ id: String, chunks: Int, category: String? = nil, created: Date = Date(), text: String = "texto") -> StoredDocumentWithChunks {
        let vector: [Float] = (0..<8).map { Float($0) * 0.125 - 0.3 }
        return StoredDocumentWithChunks(
            document: StoredDocument(id: id, title: "Título \(id)", content: "\(text) completo de \(id)", metadataJSON: #"{"k":"\#(id)"}"#,
                                     category: category, contentHash: "hash-\(id)", createdAt: created, updatedAt: created, chunkCount: chunks),
            chunks: (0..<chunks).map { StoredChunk(index: $0, heading: "H\($0)", content: "\(text) \(id) parte \($0)", embedder: "e1", vector: vector) })
    }

    @Test(arguments: StoreKind.allCases) func writes_Replace_AndKeepTheCreationDate(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let scope = freshScope()
        let created = Date(timeIntervalSince1970: 1_700_000_000.5)
        #expect(try await store.put([document("a", chunks: 3, created: created)], in: scope) == [false])
        #expect(try await store.put([document("a", chunks: 1, created: Date(timeIntervalSince1970: 1_800_000_000), text: "nuevo")], in: scope) == [true])
        let found = try #require(try await store.document("a", in: scope))
        #expect(found.chunks.map(\.content) == ["nuevo a parte 0"])
        #expect(found.document.chunkCount == 1 && found.document.content == "nuevo completo de a")
        #expect(abs(found.document.createdAt.timeIntervalSince1970 - 1_700_000_000.5) < 0.001)
        #expect(abs(found.document.updatedAt.timeIntervalSince1970 - 1_800_000_000) < 0.001)
        #expect(found.chunks[0].vector == document("a", chunks: 1).chunks[0].vector)
        #expect(found.document.metadataJSON == #"{"k":"a"}"#)
        #expect(try await store.document("missing", in: scope) == nil)
    }

    @Test(arguments: StoreKind.allCases) func tenants_NeverSeeEachOther(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let one = freshScope(), two = freshScope()
        _ = try await store.put([document("same", chunks: 2, text: "uno")], in: one)
        _ = try await store.put([document("same", chunks: 1, text: "dos"), document("only-two", chunks: 1)], in: two)
        #expect(try await store.document("same", in: one)?.chunks.count == 2)
        #expect(try await store.document("same", in: two)?.chunks.count == 1)
        #expect(try await store.document("only-two", in: one) == nil)
        #expect(try await store.delete("only-two", in: one) == nil)
        #expect(try await store.list(in: one, offset: 0, limit: 10, category: nil).total == 1)
        #expect(try await store.all(in: two).map(\.document.id).sorted() == ["only-two", "same"])
        #expect(try await store.purge(one) == 1)
        #expect(try await store.document("same", in: two) != nil)
        let tenants = try await store.tenants()
        #expect(tenants.contains(two.companyID) && !tenants.contains(one.companyID))
        _ = try await store.purge(two)
    }

    @Test(arguments: StoreKind.allCases) func listing_IsNewestFirst_Paged_AndFilteredByCategory(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let scope = freshScope()
        let base = Date(timeIntervalSince1970: 1_750_000_000)
        _ = try await store.put([
            document("d1", chunks: 1, category: "precios", created: base),
            document("d2", chunks: 1, category: "precios", created: base.addingTimeInterval(10)),
            document("d3", chunks: 1, created: base.addingTimeInterval(10)),
            document("d4", chunks: 1, category: "horarios", created: base.addingTimeInterval(20)),
        ], in: scope)
        let first = try await store.list(in: scope, offset: 0, limit: 2, category: nil)
        let second = try await store.list(in: scope, offset: 2, limit: 2, category: nil)
        #expect(first.total == 4)
        // Newest first; equal times by id, descending.
        #expect((first.documents + second.documents).map(\.id) == ["d4", "d3", "d2", "d1"])
        #expect(try await store.list(in: scope, offset: 0, limit: 10, category: "precios").documents.map(\.id) == ["d2", "d1"])
        #expect(try await store.list(in: scope, offset: 4, limit: 10, category: nil).documents.isEmpty)
        #expect(try await store.categories(in: scope) == ["precios": 2, "horarios": 1, "": 1])
        // A replacement that changes the category moves the document.
        _ = try await store.put([document("d1", chunks: 1, category: "horarios", created: base)], in: scope)
        #expect(try await store.categories(in: scope) == ["precios": 1, "horarios": 2, "": 1])
        _ = try await store.purge(scope)
    }

    @Test(arguments: StoreKind.allCases) func embeddingJobs_AreKeptPerTenant_AndErasedByAPurge(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let scope = freshScope(), other = freshScope()
        let created = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded())
        let job = EmbeddingJobRecord(id: "job_1", documentIDs: ["a", "b"], embedder: "openai:e5@http://x/v1", createdAt: created)
        try await store.putJob(job, in: scope)
        let found = try #require(try await store.job("job_1", in: scope))
        #expect(found.documentIDs == ["a", "b"] && found.embedder == job.embedder)
        #expect(abs(found.createdAt.timeIntervalSince1970 - created.timeIntervalSince1970) < 0.001)
        #expect(try await store.job("job_1", in: other) == nil)
        #expect(try await store.job("job_2", in: scope) == nil)
        _ = try await store.purge(scope)
        #expect(try await store.job("job_1", in: scope) == nil)
    }

    @Test(arguments: StoreKind.allCases) func everyChange_RaisesTheVersion_AndReadsDoNot(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let scope = freshScope(), other = freshScope()
        var last = try await store.version(in: scope)
        #expect(last == 0)
        func raised() async throws -> Bool {
            let now = try await store.version(in: scope)
            defer { last = now }
            return now > last
        }
        _ = try await store.put([document("a", chunks: 2)], in: scope)
        #expect(try await raised())
        // Vectors computed from another version of the document are refused and change nothing.
        #expect(try await store.putVectors(documentID: "a", contentHash: "stale", embedder: "e2", vectors: [1: [9, 9, 9]], in: scope) == false)
        #expect(try await store.version(in: scope) == last)
        #expect(try await store.putVectors(documentID: "a", contentHash: "hash-a", embedder: "e2", vectors: [1: [1, 2, 3]], in: scope))
        #expect(try await raised())
        let updated = try #require(try await store.document("a", in: scope))
        #expect(updated.chunks[1].vector == [1, 2, 3] && updated.chunks[1].embedder == "e2" && updated.chunks[0].embedder == "e1")
        _ = try await store.all(in: scope)
        _ = try await store.list(in: scope, offset: 0, limit: 5, category: nil)
        #expect(try await store.version(in: scope) == last)
        #expect(try await store.delete("a", in: scope) == 2)
        #expect(try await raised())
        #expect(try await store.delete("a", in: scope) == nil)
        #expect(try await store.version(in: scope) == last)
        _ = try await store.put([document("b", chunks: 1)], in: scope)
        _ = try await raised()
        #expect(try await store.purge(scope) == 1)
        #expect(try await raised())
        #expect(try await store.version(in: other) == 0)
        #expect(try await store.all(in: scope).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func all_ReturnsEveryChunk_WithExactVectors(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let scope = freshScope()
        var written: [StoredDocumentWithChunks] = []
        for number in 0..<450 { written.append(document("doc-\(number)", chunks: number % 4 + 1, created: Date(timeIntervalSince1970: Double(number)))) }
        _ = try await store.put(written, in: scope)
        let loaded = try await store.all(in: scope)
        #expect(loaded.count == 450)
        let byID = Dictionary(uniqueKeysWithValues: loaded.map { ($0.document.id, $0) })
        for item in written {
            let found = try #require(byID[item.document.id])
            #expect(found.chunks == item.chunks)
            #expect(found.document.title == item.document.title && found.document.chunkCount == item.chunks.count)
        }
        _ = try await store.purge(scope)
    }
}
