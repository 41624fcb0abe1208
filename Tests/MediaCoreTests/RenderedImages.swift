import Foundation

/// Test images with real text, drawn by ImageMagick (`convert`, which the test command installs) with the
/// DejaVu fonts: a clinic's price list, a promotion, a screenshot-sized page. A missing tool fails the test.
enum RenderedImages {
    /// One line of text at a position, size and weight.
    struct Line {
        var text: String
        var y: Int
        var size: Int = 34
        var bold = false
    }

    static let priceList = [
        Line(text: "Lista de precios", y: 90, size: 44, bold: true),
        Line(text: "Botox: 250 €", y: 170),
        Line(text: "Ácido hialurónico: 300 €", y: 230),
        Line(text: "Limpieza facial: 60 €", y: 290),
    ]
    static let promotion = [
        Line(text: "Promoción botox", y: 200, size: 48, bold: true),
        Line(text: "20% de descuento", y: 280, size: 38),
        Line(text: "hasta el 15 de diciembre", y: 340, size: 38),
    ]

    /// The expected text: the lines joined by newlines.
    static func text(of lines: [Line]) -> String { lines.map(\.text).joined(separator: "\n") }

    /// Renders `lines` on a `width`×`height` canvas to a file of the extension's format (`png`, `jpg`, `gif`, `webp`).
    static func render(_ lines: [Line], width: Int = 1000, height: Int = 600, background: String = "white", format: String = "png",
                       extra: [String] = []) async throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "render-\(UUID().uuidString.prefix(8)).\(format)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var arguments = ["-size", "\(width)x\(height)", "xc:\(background)", "-fill", "#202020"]
        for line in lines {
            arguments += ["-font", line.bold ? "DejaVu-Sans-Bold" : "DejaVu-Sans", "-pointsize", "\(line.size)", "-annotate", "+50+\(line.y)", line.text]
        }
        try await run("convert", arguments + extra + [path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Runs `tool` and waits for it without holding a cooperative thread (the tests run in parallel on few of them).
    static func run(_ tool: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(tool) failed (status \(status)); "
                                                         + "scripts/test.sh installs imagemagick, fonts-dejavu-core, espeak-ng, sox, libsox-fmt-all and opus-tools"])
        }
    }

    /// 1 − (edit distance ÷ expected length), over characters, whitespace runs made one space.
    static func characterAccuracy(read: String, expected: String) -> Double {
        func normalise(_ text: String) -> [Character] {
            Array(text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        }
        let a = normalise(read), b = normalise(expected)
        guard !b.isEmpty else { return a.isEmpty ? 1 : 0 }
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        let distance = a.isEmpty ? b.count : previous[b.count]
        return max(0, 1 - Double(distance) / Double(b.count))
    }
}
