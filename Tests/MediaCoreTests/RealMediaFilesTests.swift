import Foundation
import Testing
@testable import MediaCore

/// Real files from real encoders: Spanish speech from `espeak-ng`, converted with `sox` (OGG Vorbis, MP3, FLAC)
/// and `opusenc` (Ogg Opus, what WhatsApp voice notes are). The test command installs the tools; a missing one
/// fails the test, it is never skipped.
struct RealMediaFilesTests {
    /// Runs a tool without holding a cooperative thread (see ``RenderedImages/run(_:_:)``).
    static func run(_ tool: String, _ arguments: [String]) async throws {
        try await RenderedImages.run(tool, arguments)
    }

    @Test func encodedSpeech_IsRecognisedInEveryFormat_WithItsRealDuration() async throws {
        let directory = NSTemporaryDirectory() + "media-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wav = directory + "/voz.wav"
        try await Self.run("espeak-ng", ["-v", "es", "-w", wav, "Hola, quisiera saber cuánto cuesta el botox y si tienen cita el viernes."])
        try await Self.run("sox", [wav, directory + "/voz.ogg"])
        try await Self.run("sox", [wav, directory + "/voz.mp3"])
        try await Self.run("sox", [wav, directory + "/voz.flac"])
        try await Self.run("opusenc", ["--quiet", wav, directory + "/voz.opus"])
        let reference = try MediaInspector.inspect(Array(try Data(contentsOf: URL(fileURLWithPath: wav))), expecting: .audio)
        let seconds = try #require(reference.durationSeconds)
        #expect(reference.kind == .wav && seconds > 2 && seconds < 10, "\(reference)")
        for (file, kind, tolerance) in [("voz.ogg", MediaKind.ogg, 0.1), ("voz.mp3", .mp3, 0.5), ("voz.flac", .flac, 0.05), ("voz.opus", .opus, 0.1)] {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
            let info = try MediaInspector.inspect(bytes, expecting: .audio)
            #expect(info.kind == kind, "\(file): \(info.kind)")
            #expect(abs((info.durationSeconds ?? 0) - seconds) < tolerance, "\(file): \(info.durationSeconds ?? -1) s, the WAV \(seconds) s")
            // The same file cut short is caught where the container says how long it is (Ogg's end-of-stream page);
            // MP3 and FLAC frames carry no end, so a cut there is only shorter audio.
            let cut = Array(bytes.prefix(bytes.count * 2 / 3))
            if kind != .mp3 && kind != .flac {
                #expect(throws: MediaError.self, "\(file) cut") { try MediaInspector.inspect(cut) }
            }
        }
    }
}
