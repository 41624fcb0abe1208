import Testing
@testable import RAGCore

struct DocumentChunkerTests {
    @Test func headings_StartSections_AndAreKeptAsAPath() {
        let text = """
        Introducción general.

        # Depilación láser
        Texto sobre el láser.
        ## Precios
        Piernas completas: 120 €.
        ## Cuidados
        No tomar el sol.
        # Botox
        Toxina botulínica.
        """
        let chunks = DocumentChunker().chunks(of: text)
        #expect(chunks.map(\.heading) == ["", "Depilación láser", "Depilación láser > Precios", "Depilación láser > Cuidados", "Botox"])
        #expect(chunks[2].content == "Piernas completas: 120 €.")
        #expect(chunks.map(\.index) == Array(0..<5))
    }

    @Test func longSections_AreCutOnSentences_WithOverlap_AndAHardCap() {
        let sentences = (1...60).map { "Esta es la frase número \($0) del documento de prueba." }
        let chunks = DocumentChunker(targetLength: 1_000, overlap: 200, maximumLength: 1_500).chunks(of: sentences.joined(separator: " "))
        #expect(chunks.count > 2)
        for chunk in chunks {
            #expect(chunk.content.unicodeScalars.count <= 1_000)
            #expect(chunk.content.hasSuffix("."))
        }
        // Each chunk starts with the end of the previous one.
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            let firstSentence = String(next.content.prefix { $0 != "." }) + "."
            #expect(previous.content.contains(firstSentence))
        }
        // Every sentence is somewhere.
        for sentence in sentences { #expect(chunks.contains { $0.content.contains(sentence) }) }

        let wall = String(repeating: "palabra ", count: 1_000) + String(repeating: "x", count: 4_000)
        let capped = DocumentChunker(targetLength: 1_000, overlap: 200, maximumLength: 1_500).chunks(of: wall)
        #expect(capped.allSatisfy { $0.content.unicodeScalars.count <= 1_500 })
        #expect(capped.map(\.content).joined().filter { $0 == "x" }.count == 4_000)
    }

    @Test func caseAndCodeFences_ArePreserved() {
        let text = "# Título\nEl Dr. García atiende.\n```\n# not a heading\n```\n"
        let chunks = DocumentChunker().chunks(of: text)
        #expect(chunks.count == 1)
        #expect(chunks[0].content.contains("Dr. García"))
        #expect(chunks[0].content.contains("# not a heading"))
    }

    @Test func randomDocuments_NeverBreakTheInvariants() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["# ", "## ", "\n", "\n\n", ". ", "! ", "? ", "… ", "; ", "- ", "```", "ñandú ", "árbol ", "😀", "Dr. ", "x",
                      "palabra ", "1. ", " ", "\t", "###### h\n", "#nohead ", "\r"]
        let chunker = DocumentChunker(targetLength: 120, overlap: 30, maximumLength: 160)
        for _ in 0..<500 {
            let count = Int.random(in: 0..<200, using: &generator)
            let text = (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            let chunks = chunker.chunks(of: text)
            #expect(chunks.map(\.index) == Array(0..<chunks.count))
            for chunk in chunks {
                #expect(chunk.content.unicodeScalars.count <= 160)
                #expect(!chunk.content.isEmpty)
            }
            // Every word of the text outside headings and fences is in some chunk.
            let words = Set(text.unicodeScalars.split(whereSeparator: { " \n\t\r".unicodeScalars.contains($0) })
                .map { String(String.UnicodeScalarView($0)) }.filter { !$0.contains("#") && !$0.contains("`") })
            let indexed = chunks.map { $0.heading + " " + $0.content }.joined(separator: " ")
            for word in words { #expect(indexed.contains(word), "lost '\(word)' from \(text.debugDescription)") }
        }
    }
}
