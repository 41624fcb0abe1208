import Testing
@testable import RAGCore

struct TextAnalysisTests {
    @Test func folding_DropsCaseAndAccents_AndSeparatesOnPunctuation() {
        #expect(TextFolding.fold("Depilación LÁSER: ¿cuánto cuesta?") == "depilacion laser cuanto cuesta")
        #expect(TextFolding.fold("Niño, pingüino, Straße, façade") == "nino pinguino strasse facade")
        // A decomposed accent (e + U+0301) folds like the composed one.
        #expect(TextFolding.fold("cafe\u{301} café") == "cafe cafe")
        #expect(TextFolding.fold("Ácido hialurónico 1ml") == "acido hialuronico 1ml")
    }

    @Test func stemmer_ConflatesInflections_InBothLanguages() {
        func stem(_ word: String) -> String {
            let bytes = Array(word.utf8)
            return String(decoding: bytes.prefix(LightStemmer.stemLength(bytes)), as: UTF8.self)
        }
        #expect(stem("tratamientos") == stem("tratamiento"))
        #expect(stem("doctores") == stem("doctor"))
        #expect(stem("cancelaciones") == stem("cancelacion"))
        #expect(stem("clinica") == stem("clinico"))
        #expect(stem("prices") == stem("price"))
        #expect(stem("precios") == stem("precio"))
        #expect(stem("booking") == "book")
        // Short words are left alone.
        #expect(stem("mes") == "mes")
        #expect(stem("spa") == "spa")
    }

    @Test func analyzedText_FlagsStopWords_AndHashesStems() {
        let text = AnalyzedText("El precio de los tratamientos")
        #expect(text.words.count == 5)
        #expect(text.isStopWord == [true, false, true, true, false])
        let other = AnalyzedText("tratamiento PRECIOS")
        #expect(Set(text.contentStems) == Set(other.contentStems))
    }

    @Test func builtInEmbedder_IsNormalised_AndToleratesTypos() {
        let embedder = BuiltInEmbedder()
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        let document = embedder.vector("Depilación láser de piernas completas: precio por sesión")
        let norm = cosine(document, document)
        #expect(abs(norm - 1) < 1e-4)
        #expect(document.count == 512)
        let typo = embedder.vector("depilasion laser piernas")
        let unrelated = embedder.vector("horario de apertura los sábados")
        #expect(cosine(document, typo) > cosine(document, unrelated) + 0.1)
        #expect(embedder.vector("   ").allSatisfy { $0 == 0 })
    }
}
