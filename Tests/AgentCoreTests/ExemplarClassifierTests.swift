import Foundation
import RAGCore
import Synchronization
import Testing
import Wire
@testable import AgentCore

/// Exemplar similarity with a real embedder (the built-in one), its cache per company and embedder, and its
/// place in the router: only for messages the lexicons have no basis for.
struct ExemplarClassifierTests {
    /// The built-in embedder in this process, standing in for `rag/embedTexts`; `identifier` can be switched
    /// to see the exemplars re-embedded, and `failing` makes it answer nothing.
    final class Embedding: TextEmbedding {
        let embedder = BuiltInEmbedder()
        let identifier = Mutex("builtin-hash-v2-512")
        let calls = Atomic<Int>(0)
        let failing = Atomic<Bool>(false)
        func embed(_ texts: [String], company: CompanyID) async -> (embedder: String, vectors: [[Float]])? {
            calls.add(1, ordering: .relaxed)
            guard !failing.load(ordering: .relaxed) else { return nil }
            var vectors: [[Float]] = []
            for text in texts { vectors.append((try? await embedder.embed(query: text)) ?? []) }
            return (identifier.withLock { $0 }, vectors)
        }
    }

    @Test func aMessageWithTyposTheLexiconsMiss_IsClassifiedByTheExemplarsItResembles() async throws {
        let embedding = Embedding()
        let classifier = ExemplarClassifier(embedding: embedding)
        let company = try #require(CompanyID("benova"))
        for message in ["cuanto bale la limpiesa", "how mch for a facal"] {
            let (scores, basis) = IntentRouter().classifyExplained(message)
            #expect(basis == .none && scores.map(\.intent) == [.support], "the lexicons have nothing in '\(message)'")
            #expect(await classifier.classify(message, company: company)?.intent == .sales, "\(message)")
        }
        let afterTwo = embedding.calls.load(ordering: .relaxed)
        #expect(afterTwo == 3, "the exemplars are embedded once, then one call per message")
        // A new embedder for the company: its exemplars are embedded again.
        embedding.identifier.withLock { $0 = "builtin-hash-v3" }
        _ = await classifier.classify("how mch for a facal", company: company)
        #expect(embedding.calls.load(ordering: .relaxed) == afterTwo + 2)
        embedding.failing.store(true, ordering: .relaxed)
        #expect(await classifier.classify("cuanto bale la limpiesa", company: company) == nil, "no embedder, no opinion")
    }

    @Test func theLabelledSets_KeepTheirScores_WithExemplars() async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/Router")
        let company = try #require(CompanyID("bench"))
        let classifier = ExemplarClassifier(embedding: Embedding())
        let dev = await RouterEvaluation.evaluate(try RouterEvaluation.cases(fromFile: directory.appendingPathComponent("messages.json").path),
                                                  exemplars: classifier, company: company)
        let heldOut = await RouterEvaluation.evaluate(try RouterEvaluation.cases(fromFile: directory.appendingPathComponent("heldout.json").path),
                                                      exemplars: classifier, company: company)
        #expect(dev.macroF1 >= 0.95 && dev.recall[.emergency] == 1 && (dev.precision[.emergency] ?? 0) >= 0.95, "\(dev.summary)")
        #expect(heldOut.macroF1 >= 0.885 && heldOut.recall[.emergency] == 1, "\(heldOut.summary)")
    }
}
