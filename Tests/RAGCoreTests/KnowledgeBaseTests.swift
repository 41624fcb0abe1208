import BlockingIO
import Foundation
import Testing
import TenantStorage
import Wire
@testable import RAGCore

struct KnowledgeBaseTests {
    let pool = BlockingIOPool(name: "rag-test", threads: 2)

    func temporaryDatabase() -> String {
        NSTemporaryDirectory() + "rag-test-\(UUID().uuidString.prefix(8))/knowledge.sqlite3"
    }

    func search(_ knowledge: KnowledgeBase, _ scope: TenantScope, _ query: String, mode: SearchMode = .hybrid) async throws -> [SearchHit] {
        try await knowledge.search(SearchDocumentsRequest(companyID: scope.companyID, query: query, k: 5, mode: mode), scope: scope).results
    }

    @Test func writes_AreIdempotent_Persisted_AndIsolatedPerTenant() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let benova = testScope("benova"), medispa = testScope("medispa")
        let store = try await SQLiteDocumentStore(path: path)
        let knowledge = KnowledgeBase(store: store, pool: pool)
        let content = "El ácido hialurónico rellena los labios. Precio del relleno de labios: 300 €."
        let first = try await knowledge.add([DocumentInput(title: "Labios", content: content, metadataJSON: #"{"clinic":"benova"}"#)],
                                            scope: benova, maximumDocuments: 10)
        let again = try await knowledge.add([DocumentInput(title: "Labios", content: content, metadataJSON: #"{"clinic":"benova"}"#)],
                                            scope: benova, maximumDocuments: 10)
        #expect(first[0].documentID == again[0].documentID)
        #expect(first[0].replaced == false && again[0].replaced == true)
        // The same id and content in another tenant are another document.
        let id = try #require(first[0].documentID)
        _ = try await knowledge.add([DocumentInput(id: id, title: "Labios", content: content, metadataJSON: #"{"clinic":"medispa"}"#)],
                                    scope: medispa, maximumDocuments: 10)
        #expect(try await search(knowledge, benova, "relleno de labios").allSatisfy { $0.metadataJSON.contains("benova") })
        #expect(try await search(knowledge, medispa, "relleno de labios").allSatisfy { $0.metadataJSON.contains("medispa") })
        #expect(try await knowledge.list(ListDocumentsRequest(companyID: benova.companyID), scope: benova).total == 1)

        // Deleting in one tenant leaves the other alone; deleting again is not found.
        #expect(try await knowledge.delete(id, scope: medispa) == 1)
        await #expect(throws: KnowledgeError.documentNotFound(id)) { try await knowledge.delete(id, scope: medispa) }
        #expect(try await search(knowledge, benova, "relleno de labios").first?.documentID == id)

        // A new knowledge base over the same file serves the same data (vectors are not recomputed).
        store.close()
        let reopened = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), pool: pool)
        #expect(try await search(reopened, benova, "relleno labios", mode: .vector).first?.documentID == id)
        #expect(try await search(reopened, medispa, "relleno labios").isEmpty)
        #expect(try await reopened.purge(benova) == 1)
        #expect(try await search(reopened, benova, "relleno labios").isEmpty)
    }

    @Test func quota_CountsNewDocumentsOnly_AndBadInputIsReportedPerItem() async throws {
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let scope = testScope("dental")
        let knowledge = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), pool: pool)
        let results = try await knowledge.add([
            DocumentInput(id: "a", content: "Blanqueamiento dental."),
            DocumentInput(id: "b", content: "   "),
            DocumentInput(id: "c", content: "Ortodoncia invisible."),
            DocumentInput(id: "bad id!", content: "x"),
            DocumentInput(id: "d", content: "Implantes.", metadataJSON: "[1,2]"),
            DocumentInput(id: "e", content: "Endodoncia."),
        ], scope: scope, maximumDocuments: 2)
        #expect(results.map(\.errorCode) == [nil, "invalid_argument", nil, "invalid_argument", "invalid_argument", "quota_exceeded"])
        // Replacing an existing document is allowed at the quota.
        let replaced = try await knowledge.add([DocumentInput(id: "a", content: "Blanqueamiento dental LED.")], scope: scope, maximumDocuments: 2)
        #expect(replaced[0].errorCode == nil && replaced[0].replaced)
        await #expect(throws: KnowledgeError.self) {
            try await knowledge.search(SearchDocumentsRequest(companyID: scope.companyID, query: "x", k: 0), scope: scope)
        }
    }

    @Test(arguments: StoreKind.allCases) func aSecondKnowledgeBase_FollowsTheFirstsChanges(kind: StoreKind) async throws {
        let (store, close) = try await makeTestStore(kind)
        defer { close() }
        let scope = testScope("f" + UUID().uuidString.prefix(8).lowercased())
        let writer = KnowledgeBase(store: store, pool: pool)
        let follower = KnowledgeBase(store: store, pool: pool)
        func found(_ query: String) async throws -> [String] {
            try await follower.search(SearchDocumentsRequest(companyID: scope.companyID, query: query, k: 5, mode: .keyword), scope: scope)
                .results.map(\.documentID)
        }
        _ = try await writer.add([DocumentInput(id: "a", content: "Peeling químico superficial.")], scope: scope, maximumDocuments: 10)
        #expect(try await found("peeling") == ["a"]) // loaded on first use
        _ = try await writer.add([DocumentInput(id: "b", content: "Radiofrecuencia facial.")], scope: scope, maximumDocuments: 10)
        _ = try await writer.add([DocumentInput(id: "a", content: "Mesoterapia capilar.")], scope: scope, maximumDocuments: 10)
        #expect(try await found("radiofrecuencia").isEmpty) // not followed yet
        await follower.followChanges()
        #expect(try await found("radiofrecuencia") == ["b"])
        #expect(try await found("peeling").isEmpty)
        #expect(try await found("mesoterapia") == ["a"])
        _ = try await writer.delete("b", scope: scope)
        await follower.followChanges()
        #expect(try await found("radiofrecuencia").isEmpty)
        _ = try await writer.purge(scope)
        _ = try await writer.add([DocumentInput(id: "c", content: "Hilos tensores.")], scope: scope, maximumDocuments: 10)
        await follower.followChanges()
        #expect(try await found("mesoterapia").isEmpty)
        #expect(try await found("hilos") == ["c"])
        _ = try await writer.purge(scope)
    }
}
