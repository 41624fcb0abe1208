import Testing
@testable import RAGCore

struct CrossLingualExpansionTests {
    @Test func theLanguage_IsToldByFunctionWords() {
        #expect(CrossLingualExpansion.language(of: "How much does teeth whitening cost?") == "en")
        #expect(CrossLingualExpansion.language(of: "¿Cuánto cuesta el blanqueamiento dental?") == "es")
        #expect(CrossLingualExpansion.language(of: "botox") == nil)
    }

    @Test func aForeignQuery_GetsTheLexiconWordsOfItsConcepts_AndANativeOneIsLeftAlone() {
        let english = CrossLingualExpansion.text(for: "How much does botox cost?", documentLanguage: "es")
        #expect(english.hasPrefix("How much does botox cost? "))
        #expect(english.contains("precio") && english.contains("toxina"))
        // Words the query already has are not repeated.
        #expect(english.components(separatedBy: " ").filter { $0 == "botox" }.count == 1)
        let spanish = "¿Cuánto cuesta el bótox?"
        #expect(CrossLingualExpansion.text(for: spanish, documentLanguage: "es") == spanish)
        #expect(CrossLingualExpansion.text(for: "How much does botox cost?", documentLanguage: "en-GB") == "How much does botox cost?")
        #expect(CrossLingualExpansion.text(for: "How much does botox cost?", documentLanguage: nil) == "How much does botox cost?")
        // Nothing in the lexicon: nothing added.
        #expect(CrossLingualExpansion.text(for: "Is the zebra purple?", documentLanguage: "es") == "Is the zebra purple?")
    }

    /// A model embeds a chunk in context and on its own; its vector is the normalised mean of both.
    @Test func aChunkVector_IsTheNormalisedMeanOfItsViews() async throws {
        struct Lengths: Embedder {
            var identifier: String { "lengths" }
            var dimensions: Int { 2 }
            func embed(documents: [String]) async throws(EmbeddingError) -> [[Float]] {
                documents.map { $0.contains("\n") ? [1, 0] : [0, 1] }
            }
            func embed(query: String) async throws(EmbeddingError) -> [Float] { [1, 0] }
        }
        let chunk = DocumentChunk(index: 0, heading: "Precios", content: "La frente cuesta 220 €.")
        #expect(ChunkEmbedding.views(title: "Bótox", chunk: chunk) == ["Bótox\nPrecios\nLa frente cuesta 220 €.", "La frente cuesta 220 €."])
        let vectors = try await ChunkEmbedding.vectors(of: [("Bótox", chunk), ("", DocumentChunk(index: 1, heading: "", content: "Solo texto"))],
                                                       with: Lengths())
        #expect(abs(vectors[0][0] - 0.7071) < 0.001 && abs(vectors[0][1] - 0.7071) < 0.001)
        #expect(vectors[1] == [0, 1])
    }
}
