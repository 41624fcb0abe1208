import Foundation
import Testing
@testable import MediaCore

/// The built-in OCR on rendered Spanish text (a price list, a promotion as PNG, JPEG, GIF and WebP, rotated
/// and noisy variants), with the character accuracy printed for the report in docs/PERFORMANCE.md.
/// Serialized, one OCR thread: recognition is CPU-bound, and the unit phase shares two cores with timing tests.
@Suite(.serialized) struct TesseractOCRTests {
    static let ocr = TesseractOCR(threads: 1)

    static func read(_ bytes: [UInt8]) async throws -> TesseractOCR.Reading {
        let info = try MediaInspector.inspect(bytes, expecting: .image)
        return try await ocr.read(bytes, info: info)
    }

    @Test(arguments: ["png", "jpg", "gif", "webp"])
    func priceList_IsReadInEveryFormat(format: String) async throws {
        let image = try await RenderedImages.render(RenderedImages.priceList, format: format)
        let reading = try await Self.read(image)
        let accuracy = RenderedImages.characterAccuracy(read: reading.text, expected: RenderedImages.text(of: RenderedImages.priceList))
        print("OCR price list (\(format)): character accuracy \(String(format: "%.3f", accuracy)), confidence \(Int(reading.confidence)), "
              + "\(String(format: "%.0f", reading.milliseconds)) ms")
        #expect(accuracy >= 0.95, "read: \(reading.text)")
        #expect(reading.text.contains("Botox: 250 €"), "read: \(reading.text)")
        #expect(reading.text.contains("hialurónico"), "accents kept: \(reading.text)")
        #expect(!reading.timedOut)
    }

    @Test func promotion_IsReadAfterRotationNoiseAndCompression() async throws {
        let expected = RenderedImages.text(of: RenderedImages.promotion)
        let variants: [(String, [String], String)] = [
            ("plain", [], "png"),
            ("rotated 3°", ["-background", "white", "-rotate", "3"], "png"),
            ("noisy", ["-attenuate", "0.4", "+noise", "Gaussian"], "png"),
            ("jpeg q40", ["-quality", "40"], "jpg"),
        ]
        for (name, extra, format) in variants {
            let image = try await RenderedImages.render(RenderedImages.promotion, width: 1000, height: 500, background: "#f4f0ff", format: format, extra: extra)
            let reading = try await Self.read(image)
            let accuracy = RenderedImages.characterAccuracy(read: reading.text, expected: expected)
            print("OCR promotion (\(name)): character accuracy \(String(format: "%.3f", accuracy))")
            #expect(accuracy >= 0.85, "\(name): \(reading.text)")
            #expect(reading.text.lowercased().contains("botox"), "\(name): \(reading.text)")
            #expect(reading.text.contains("20%"), "\(name): \(reading.text)")
        }
    }

    @Test func imageWithoutText_ReadsNothing() async throws {
        let image = try await RenderedImages.render([], width: 400, height: 300, background: "#88aadd")
        let reading = try await Self.read(image)
        #expect(reading.text.isEmpty, "read: \(reading.text)")
        let description = MediaService.builtInDescription(info: try MediaInspector.inspect(image), text: reading.text, timedOut: false, english: false)
        #expect(description == "Imagen PNG de 400×300 píxeles, sin texto legible.")
    }

    @Test func damagedImageData_IsRefusedAsUndecodable() async throws {
        var image = try await RenderedImages.render(RenderedImages.promotion, format: "png")
        // The header and the IEND chunk (and so the inspection) stay valid; the compressed pixels are garbage.
        for index in 100..<(image.count - 12) { image[index] = UInt8(truncatingIfNeeded: index &* 31) }
        let info = try MediaInspector.inspect(image, expecting: .image)
        await #expect(throws: TesseractOCR.Failure.self) { _ = try await Self.ocr.read(image, info: info) }
    }

    @Test func aTinyTimeLimit_StopsRecognitionAndSaysSo() async throws {
        let impatient = TesseractOCR(timeLimit: .milliseconds(1), threads: 1)
        let page = (0..<24).map { RenderedImages.Line(text: "Línea \($0): tratamiento facial con ácido hialurónico y vitamina C", y: 60 + $0 * 40, size: 26) }
        let image = try await RenderedImages.render(page, width: 1400, height: 1100)
        let info = try MediaInspector.inspect(image)
        let reading = try await impatient.read(image, info: info)
        #expect(reading.timedOut)
        #expect(reading.milliseconds < 5_000)
    }

    @Test func installedLanguages_IncludeSpanishAndEnglish() async {
        let languages = await Self.ocr.installedLanguages()
        #expect(languages.contains("spa") && languages.contains("eng"), "\(languages)")
    }

    @Test func tidy_CollapsesBlankLinesAndSpaces() {
        #expect(TesseractOCR.tidy("  Hola   mundo \n\n\n\u{0C}Precio:  20 €\n\n") == "Hola mundo\n\nPrecio: 20 €")
    }
}
