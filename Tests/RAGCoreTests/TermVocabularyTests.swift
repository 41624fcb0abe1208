import Testing
import TextFolding
@testable import RAGCore

struct TermVocabularyTests {
    func vocabulary(_ texts: [String]) -> TermVocabulary {
        var vocabulary = TermVocabulary()
        for text in texts { vocabulary.insert(AnalyzedText(text)) }
        return vocabulary
    }

    /// The stem of a single folded word, as the index files it.
    func stem(_ word: String) -> ArraySlice<UInt8> {
        let analyzed = AnalyzedText(word)
        let folded = analyzed.folded[analyzed.words[0]]
        return folded.prefix(LightStemmer.stemLength(folded))
    }

    func hash(_ word: String) -> UInt64 { AnalyzedText(word).stems[0] }

    @Test func distance_CountsInsertionsDeletionsSubstitutionsAndSwaps() {
        func distance(_ a: String, _ b: String, limit: Int = 3) -> Int { EditDistance.optimalStringAlignment(Array(a.utf8), Array(b.utf8), limit: limit) }
        #expect(distance("implante", "implante") == 0)
        #expect(distance("inplante", "implante") == 1)      // substitution
        #expect(distance("idrafacial", "hidrafacial") == 1) // deletion
        #expect(distance("profhhilo", "profhilo") == 1)     // insertion
        #expect(distance("sesoines", "sesiones") == 1)      // swap of neighbours
        #expect(distance("botox", "laser", limit: 1) == 2)  // stops past the limit
    }

    @Test func aTypo_FindsTheIndexedStemOneEditAway_AndAShortWordIsLeftAlone() {
        let words = vocabulary(["Implantes dentales con corona", "Limpieza facial Hidrafacial", "Sesiones de radiofrecuencia"])
        let everywhere: (UInt64) -> Int = { _ in 1 }
        #expect(words.corrections(of: stem("inplantes"), frequency: everywhere) == [hash("implantes")])
        #expect(words.corrections(of: stem("idrafacial"), frequency: everywhere) == [hash("hidrafacial")])
        #expect(words.corrections(of: stem("seciones"), frequency: everywhere) == [hash("sesiones")])
        #expect(words.corrections(of: stem("radiofrequencia"), frequency: everywhere) == [hash("radiofrecuencia")])
        // A word the vocabulary holds needs no correction (it is itself), and nothing is two edits from a 6-byte stem.
        #expect(words.corrections(of: stem("coronas"), frequency: everywhere).allSatisfy { $0 == hash("corona") })
        #expect(words.corrections(of: stem("xyzlimpia"), frequency: everywhere).isEmpty)
        // Stems shorter than six bytes never take part: "cuesta" is not "cuenta".
        let short = vocabulary(["la cuenta"])
        #expect(short.corrections(of: stem("cuesta"), frequency: everywhere).isEmpty)
    }

    @Test func corrections_AreTheStemsChunksStillHold_MostFrequentFirst() {
        let words = vocabulary(["sesiones", "lesiones"])
        #expect(stem("sesiones") != stem("lesiones"))
        let frequencies = [hash("sesiones"): 5, hash("lesiones"): 9]
        #expect(words.corrections(of: stem("besiones"), frequency: { frequencies[$0] ?? 0 }) == [hash("lesiones"), hash("sesiones")])
        // A stem no live chunk holds any more (its document was removed) is not offered.
        #expect(words.corrections(of: stem("besiones"), frequency: { $0 == hash("sesiones") ? 3 : 0 }) == [hash("sesiones")])
    }

    @Test func aTypoInAQuery_FindsItsDocumentByKeywords_InEveryMode() {
        let embedder = BuiltInEmbedder()
        let index = TenantIndex(scope: testScope("dental"), dimensions: embedder.dimensions, embedder: embedder.identifier)
        func add(_ id: String, _ title: String, _ content: String) {
            index.replace(IndexableDocument.embedded(id: id, title: title, metadataJSON: "{}", fields: [:],
                                                     chunks: DocumentChunker().chunks(of: content), embedder: embedder))
        }
        add("implantes", "Implantes", "Un implante de titanio con su corona cuesta 1.200 €. Se coloca en dos fases.")
        add("ortodoncia", "Ortodoncia", "Los brackets metálicos cuestan 2.500 € el tratamiento completo.")
        let typo = index.search(vector: [], text: "inplante precio", k: 2, mode: .keyword).map(\.documentID)
        #expect(typo.first == "implantes")
        // A document added after the vocabulary was built is corrected to as well.
        add("blanqueamiento", "Blanqueamiento", "El blanqueamiento dental ambulatorio con férulas dura tres semanas.")
        #expect(index.search(vector: [], text: "blanquamiento", k: 1, mode: .keyword).map(\.documentID) == ["blanqueamiento"])
        #expect(index.search(vector: embedder.vector("blanquamiento"), text: "blanquamiento", k: 1, mode: .hybrid).map(\.documentID) == ["blanqueamiento"])
    }

    @Test func aLargeIndex_AnswersAtOnce_AndLeavesTheVocabularyToOneBuilderOffThePath() {
        let chunkCount = TenantIndex.vocabularyOnQueryPathChunks + 1
        let documents = (0..<chunkCount).map { number in
            IndexableDocument.embedded(id: "doc-\(number)", title: "Nota \(number)",
                                       chunks: [DocumentChunk(index: 0, heading: "", content: number == 7 ? "Implantes de titanio" : "Revisión anual \(number)")],
                                       embedder: nil)
        }
        let index = TenantIndex.build(scope: testScope("dental"), dimensions: 0, embedder: "none", documents: documents)
        // Too large to build the vocabulary on a query's path: the typo goes uncorrected, and one caller is asked to build it.
        #expect(index.search(vector: [], text: "inplantes", k: 1, mode: .keyword).isEmpty)
        #expect(index.claimVocabularyBuild())
        #expect(!index.claimVocabularyBuild())
        index.prepareVocabulary()
        #expect(index.search(vector: [], text: "inplantes", k: 1, mode: .keyword).map(\.documentID) == ["doc-7"])
    }
}
