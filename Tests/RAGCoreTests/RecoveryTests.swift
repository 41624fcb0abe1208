import BlockingIO
import Foundation
import RedisClient
import SQLiteClient
import Testing
import TenantStorage
import Wire
@testable import RAGCore

/// Auto-recovery against both stores: damage made behind the knowledge base's back (as a crash, a manual
/// edit or a partial restore would) is found by the next check and repaired, for that tenant only.
struct RecoveryTests {
    let pool = BlockingIOPool(name: "rag-recovery-test", threads: 2)

    /// A knowledge base over a store of `kind`, with a way to change the store's raw data directly.
    struct Harness {
        let knowledge: KnowledgeBase
        let damage: @Sendable (_ commands: [String], _ scope: TenantScope) async throws -> Void
        let close: @Sendable () -> Void
    }

    func harness(_ kind: StoreKind) async throws -> Harness {
        switch kind {
        case .sqlite:
            let directory = NSTemporaryDirectory() + "rag-recovery-\(UUID().uuidString.prefix(8))"
            let path = directory + "/knowledge.sqlite3"
            let store = try await SQLiteDocumentStore(path: path)
            let raw = try await SQLiteDatabase(path: path, readers: 1)
            return Harness(knowledge: KnowledgeBase(store: store, pool: pool), damage: { statements, scope in
                let company = scope.companyID.rawValue
                try await raw.withWriter { (connection) throws(SQLiteError) in
                    for statement in statements { try connection.executeScript(statement.replacingOccurrences(of: "$COMPANY", with: company)) }
                }
            }, close: { raw.close(); store.close(); try? FileManager.default.removeItem(atPath: directory) })
        case .redis:
            guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
                throw DocumentStoreError("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
            }
            let redis = try RedisClient(url: url, poolSize: 2)
            return Harness(knowledge: KnowledgeBase(store: RedisDocumentStore(redis: redis), pool: pool), damage: { commands, scope in
                for command in commands {
                    let words = command.replacingOccurrences(of: "$INDEX", with: scope.vectorIndex)
                        .replacingOccurrences(of: "$PREFIX", with: scope.redisPrefix).split(separator: " ").map { RedisArgument(String($0)) }
                    _ = try await redis.command(words)
                }
            }, close: { redis.shutdown() })
        }
    }

    func scopePair() -> (TenantScope, TenantScope) {
        (testScope("r" + UUID().uuidString.prefix(8).lowercased()), testScope("r" + UUID().uuidString.prefix(8).lowercased()))
    }

    func found(_ knowledge: KnowledgeBase, _ scope: TenantScope, _ query: String) async throws -> [String] {
        try await knowledge.search(SearchDocumentsRequest(companyID: scope.companyID, query: query, k: 5, mode: .hybrid), scope: scope)
            .results.map(\.documentID)
    }

    func seed(_ knowledge: KnowledgeBase, _ one: TenantScope, _ two: TenantScope) async throws {
        _ = try await knowledge.add([
            DocumentInput(id: "a1", content: "Depilación láser de diodo para piernas."),
            DocumentInput(id: "a2", content: "Toxina botulínica para las arrugas de la frente."),
            DocumentInput(id: "a3", content: "Peeling químico con ácido glicólico."),
        ], scope: one, maximumDocuments: 10)
        _ = try await knowledge.add([DocumentInput(id: "b1", content: "Blanqueamiento dental LED.")], scope: two, maximumDocuments: 10)
        #expect(try await found(knowledge, one, "depilación láser").first == "a1")
        #expect(try await found(knowledge, two, "blanqueamiento").first == "b1")
    }

    @Test(arguments: StoreKind.allCases) func damagedStoreEntries_AreRepairedFromTheDocumentText(kind: StoreKind) async throws {
        let harness = try await harness(kind)
        defer { harness.close() }
        let (one, two) = scopePair()
        try await seed(harness.knowledge, one, two)
        // Chunks lost, a vector destroyed, and a chunk that belongs to no document.
        switch kind {
        case .sqlite:
            try await harness.damage([
                "DELETE FROM chunks WHERE company_id = '$COMPANY' AND document_id = 'a1'",
                "UPDATE chunks SET vector = x'0102' WHERE company_id = '$COMPANY' AND document_id = 'a2'",
                "INSERT INTO chunks VALUES ('$COMPANY', 'ghost', 0, '', 'huérfano', 'e', NULL)",
            ], one)
        case .redis:
            try await harness.damage(["UNLINK $INDEX:a1:0", "HSET $INDEX:a2:0 vector xyz", "HSET $INDEX:ghost:0 content huérfano"], one)
        }
        let health = await harness.knowledge.check(one)
        #expect(health.healthy && health.lastRecovery != nil)
        #expect(health.lastProblem?.contains("re-indexed from their text") == true)
        #expect(health.lastProblem?.contains("belonged to no document") == true)
        let audit = try await harness.knowledge.store.audit(in: one)
        #expect(audit.orphanChunks == 0)
        #expect(audit.documents.values.allSatisfy { $0.presentChunks == $0.declaredChunks && $0.chunksWithoutVector == 0 })
        await harness.knowledge.followChanges()
        #expect(try await found(harness.knowledge, one, "depilación láser").first == "a1")
        // The other tenant was not touched.
        let other = await harness.knowledge.check(two)
        #expect(other.lastRecovery == nil && other.lastProblem == nil && other.documents == 1)
        // A second check finds nothing more.
        #expect(await harness.knowledge.check(one).lastProblem == nil)
        _ = try await harness.knowledge.purge(one)
        _ = try await harness.knowledge.purge(two)
    }

    @Test(arguments: StoreKind.allCases) func anIndexThatNoLongerMatchesTheStore_IsRebuilt(kind: StoreKind) async throws {
        let harness = try await harness(kind)
        defer { harness.close() }
        let (one, two) = scopePair()
        try await seed(harness.knowledge, one, two)
        // The index loses a document, and the store loses another without a trace in its change log.
        let index = try await harness.knowledge.index(for: one)
        index.remove("a2")
        switch kind {
        case .sqlite:
            try await harness.damage(["DELETE FROM chunks WHERE company_id = '$COMPANY' AND document_id = 'a3'",
                                      "DELETE FROM documents WHERE company_id = '$COMPANY' AND id = 'a3'"], one)
        case .redis:
            try await harness.damage(["UNLINK $INDEX:a3:0 $PREFIX" + "document:a3", "ZREM $PREFIX" + "documents a3"], one)
        }
        #expect(try await found(harness.knowledge, one, "toxina botulínica").contains("a2") == false)
        let health = await harness.knowledge.check(one)
        #expect(health.lastProblem?.contains("the index did not match the store") == true)
        #expect(health.documents == 2 && health.chunks == 2)
        #expect(try await found(harness.knowledge, one, "toxina botulínica").first == "a2")
        #expect(try await found(harness.knowledge, one, "peeling glicólico").contains("a3") == false)
        #expect(try await found(harness.knowledge, two, "blanqueamiento").first == "b1")

        // Forced recovery rebuilds even when nothing is wrong, and says so.
        let forced = await harness.knowledge.check(one, force: true)
        #expect(forced.lastProblem == nil && forced.lastRecovery != nil && forced.healthy)
        #expect(try await found(harness.knowledge, one, "toxina botulínica").first == "a2")
        _ = try await harness.knowledge.purge(one)
        _ = try await harness.knowledge.purge(two)
    }
}
