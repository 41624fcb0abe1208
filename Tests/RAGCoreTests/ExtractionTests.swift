import Foundation
import Testing
@testable import RAGCore

/// A one-page PDF (Tests/Fixtures/Documents/folleto.pdf) that reads "Mesoterapia capilar en Benova: 90 euros por sesion".
func folletoPDF() throws -> [UInt8] {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Documents/folleto.pdf")
    return [UInt8](try Data(contentsOf: path))
}

struct ExtractionTests {
    @Test func formats_AreRecognisedFromTheBytes_NotTheName() {
        #expect(DocumentFormat.sniff(Array("%PDF-1.7\n...".utf8), filename: "notes.txt") == .pdf)
        #expect(DocumentFormat.sniff(Array("<!DOCTYPE html><html><body>x</body></html>".utf8), filename: "a.pdf") == .html)
        #expect(DocumentFormat.sniff([0xEF, 0xBB, 0xBF] + Array("\n <!-- c --> <HTML><p>x".utf8), filename: nil) == .html)
        #expect(DocumentFormat.sniff(Array("Intro\n## Precios\nTexto".utf8), filename: "a.txt") == .markdown)
        #expect(DocumentFormat.sniff(Array("solo texto".utf8), filename: "a.md") == .markdown)
        #expect(DocumentFormat.sniff(Array("solo texto, sin títulos".utf8), filename: "a.html") == .text)
        #expect(DocumentFormat.sniff([0x50, 0x4B, 0x03, 0x04, 0x00, 0x01], filename: "a.txt") == nil) // a zip
        #expect(DocumentFormat.sniff([0x68, 0x6F, 0xFF, 0xFE], filename: "a.txt") == nil) // not UTF-8
    }

    @Test func html_BecomesMarkdown_WithoutWhatReadersDoNotSee() {
        let html = """
        <!DOCTYPE html><html><head><title>Precios &amp; horarios</title><style>p { color: red }</style>
        <script>alert("x > y")</script></head><body>
        <nav>Menú</nav><h1>Depilaci&oacute;n l&aacute;ser</h1><p>Precio:   120&nbsp;&euro;
        por sesi&#243;n &amp; &#x2014; consulta</p><ul><li>Piernas</li><li>Axilas</li></ul>
        <h2 class="x">Cuidados</h2><p>Evite el sol<br>48 horas.</p><!-- oculto --><p>Fin <b>del</b> texto &bogus; 5 < 6</p>
        <noscript>activa js</noscript></body></html>
        """
        let (text, title) = HTMLTextExtractor.extract(Array(html.utf8))
        #expect(title == "Precios & horarios")
        #expect(text.contains("# Depilación láser"))
        #expect(text.contains("Precio: 120 € por sesión & — consulta"))
        #expect(text.contains("- Piernas\n- Axilas"))
        #expect(text.contains("## Cuidados"))
        #expect(text.contains("Evite el sol\n48 horas."))
        #expect(text.contains("Fin del texto &bogus; 5 < 6"))
        for hidden in ["alert", "color: red", "oculto", "activa js", "Precios & horarios"] { #expect(!text.contains(hidden), "\(hidden)") }
        // The chunker sees the headings.
        #expect(DocumentChunker().chunks(of: text).map(\.heading).contains("Depilación láser > Cuidados"))
    }

    @Test func pdfs_AreReadWithPdftotext_AndFailuresAreClear() throws {
        let extractor = PDFTextExtractor()
        let text = try extractor.text(of: try folletoPDF())
        #expect(text.contains("Mesoterapia capilar en Benova"))
        #expect(throws: PDFTextExtractor.Failure.self) { try extractor.text(of: Array("%PDF-1.4 broken".utf8)) }
        #expect(throws: PDFTextExtractor.Failure.toolMissing) {
            try PDFTextExtractor(executable: "/nonexistent/pdftotext").text(of: try folletoPDF())
        }
    }
}

struct ExtractionFuzzTests {
    @Test func randomMarkup_NeverCrashes_AndStaysBounded() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["<", ">", "</", "<p>", "</p>", "<h2>", "<script>", "</script>", "secreto()", "<!--", "-->", "&", "&amp;", "&#x41;",
                      "&#0;", "&#99999999;", "\"", "'", "<a href=\"x>y\">", "texto ", "ñ", "<br/>", "<li>", "<title>", "</title>", "\u{0}"]
        // Inputs that once crashed the scanner (a tag cut off at the end of the text).
        for html in ["<", "</", "<p", "</p", "<!", "a<br", "<a href=\"x"] { _ = HTMLTextExtractor.extract(Array(html.utf8)) }
        for _ in 0..<5_000 {
            let count = Int.random(in: 0..<80, using: &generator)
            let html = (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            let (text, _) = HTMLTextExtractor.extract(Array(html.utf8))
            // Bounded output (entities and headings add a little; nothing multiplies).
            #expect(text.utf8.count <= html.utf8.count * 2 + 8)
            #expect(!text.contains("\u{0}") || html.contains("\u{0}"))
            _ = DocumentFormat.sniff(Array(html.utf8), filename: nil)
        }
    }
}
