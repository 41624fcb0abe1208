import Foundation
import Testing
@testable import MediaCore

struct MediaInspectorTests {
    func refusal(_ bytes: [UInt8], expecting category: MediaKind.Category? = nil, declaredType: String? = nil,
                 limits: MediaLimits = .standard) -> MediaError? {
        do throws(MediaError) {
            _ = try MediaInspector.inspect(bytes, expecting: category, declaredType: declaredType, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func images_AreKnownByTheirBytes_WithTheirSizes() throws {
        let cases: [([UInt8], MediaKind, Int, Int)] = [
            (MediaSamples.png(width: 1024, height: 768), .png, 1024, 768),
            (MediaSamples.jpeg(width: 640, height: 480), .jpeg, 640, 480),
            (MediaSamples.gif(width: 32, height: 16), .gif, 32, 16),
            (MediaSamples.webpLossless(width: 300, height: 200), .webp, 300, 200),
        ]
        for (bytes, kind, width, height) in cases {
            let info = try MediaInspector.inspect(bytes, expecting: .image)
            #expect(info.kind == kind && info.width == width && info.height == height && info.byteCount == bytes.count, "\(kind)")
            #expect(kind.category == .image && kind.mimeType.hasPrefix("image/"))
        }
    }

    @Test func audio_IsKnownByItsBytes_WithTheDurationItsHeadersGive() throws {
        let cases: [([UInt8], MediaKind, Double)] = [
            (MediaSamples.wav(seconds: 1.5), .wav, 1.5),
            (MediaSamples.flac(seconds: 2), .flac, 2),
            (MediaSamples.opus(seconds: 3), .opus, 3),
            (MediaSamples.m4a(seconds: 2.5), .m4a, 2.5),
            (MediaSamples.webm(seconds: 1.5), .webm, 1.5),
            (MediaSamples.mp3(frames: 40), .mp3, 40 * 417 * 8 / 128_000.0),
        ]
        for (bytes, kind, seconds) in cases {
            let info = try MediaInspector.inspect(bytes, expecting: .audio)
            #expect(info.kind == kind, "\(kind)")
            #expect(abs((info.durationSeconds ?? -1) - seconds) < 0.05, "\(kind): \(info.durationSeconds ?? -1) s, expected \(seconds)")
        }
        #expect(try MediaInspector.inspect(MediaSamples.mp3(frames: 3, id3: false)).kind == .mp3)
        #expect(try MediaInspector.inspect([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC] + [UInt8](repeating: 0, count: 20)).kind == .aac)
    }

    @Test func spoofedTypes_AndUnknownBytes_AreRefused() {
        let png = MediaSamples.png(width: 10, height: 10)
        #expect(refusal(png, expecting: .audio)?.kind == .typeMismatch, "a picture named voice.ogg is still a picture")
        #expect(refusal(png, declaredType: "audio/mpeg")?.kind == .typeMismatch)
        #expect(refusal(MediaSamples.wav(seconds: 1), declaredType: "image/jpeg")?.httpStatus == 415)
        #expect(refusal(MediaSamples.wav(seconds: 1), declaredType: "audio/x-wav") == nil)
        #expect(refusal(MediaSamples.opus(seconds: 1), declaredType: "audio/ogg; codecs=opus") == nil)
        #expect(refusal(MediaSamples.jpeg(width: 1, height: 1), declaredType: "application/octet-stream") == nil, "no real declaration")
        #expect(refusal(Array("<html><script>".utf8))?.kind == .unsupportedFormat)
        #expect(refusal(Array("%PDF-1.7".utf8))?.httpStatus == 415)
        #expect(refusal([])?.kind == .unsupportedFormat)
        #expect(refusal(MediaSamples.webm(seconds: 1, docType: "matroska"))?.kind == .unsupportedFormat)
    }

    @Test func truncatedFiles_AreCaught() {
        let cut: [([UInt8], String)] = [
            (Array(MediaSamples.png(width: 10, height: 10).dropLast(6)), "png"),
            (Array(MediaSamples.jpeg(width: 10, height: 10).dropLast(2)), "jpeg"),
            (Array(MediaSamples.gif(width: 10, height: 10).dropLast(1)), "gif"),
            (Array(MediaSamples.webpLossless(width: 10, height: 10).dropLast(3)), "webp"),
            (Array(MediaSamples.wav(seconds: 1).dropLast(100)), "wav"),
            (MediaSamples.opus(seconds: 2, endOfStream: false), "opus without its last page"),
            (Array(MediaSamples.opus(seconds: 2).dropLast(10)), "opus"),
            (Array(MediaSamples.m4a(seconds: 2).dropLast(8)), "m4a"),
            (Array(MediaSamples.flac(seconds: 2).prefix(30)), "flac"),
            (Array(MediaSamples.webm(seconds: 2).prefix(40)), "webm"),
        ]
        for (bytes, name) in cut {
            let error = refusal(bytes)
            #expect(error?.kind == .truncated, "\(name): \(String(describing: error))")
        }
    }

    @Test func limits_OnSizeDimensionsAndDuration_Are413() {
        #expect(refusal(MediaSamples.png(width: 20_000, height: 10))?.kind == .tooLarge)
        #expect(refusal(MediaSamples.png(width: 8_000, height: 8_000))?.kind == .tooLarge, "64 megapixels")
        #expect(refusal(MediaSamples.wav(seconds: 2), limits: MediaLimits(audioSeconds: 1))?.httpStatus == 413)
        #expect(refusal(MediaSamples.m4a(seconds: 3_600))?.kind == .tooLarge, "an hour, by its header")
        // A header claiming an endless or huge length is refused, never converted blindly (the fuzzing below found
        // a crash there).
        #expect(refusal(MediaSamples.webm(seconds: .infinity))?.kind == .malformed)
        #expect(refusal(MediaSamples.webm(seconds: 1e200))?.kind == .tooLarge)
        #expect(refusal(MediaSamples.wav(seconds: 1), limits: MediaLimits(audioBytes: 1_000))?.kind == .tooLarge)
        #expect(refusal(MediaSamples.jpeg(width: 10, height: 10), limits: MediaLimits(imageBytes: 10))?.kind == .tooLarge)
    }

    /// Every prefix and many random corruptions of every sample: an answer or a refusal, never a crash.
    @Test func damagedFiles_NeverCrashTheInspector() {
        var generator = SystemRandomNumberGenerator()
        let samples = [MediaSamples.png(width: 5, height: 5), MediaSamples.jpeg(width: 5, height: 5), MediaSamples.gif(width: 5, height: 5),
                       MediaSamples.webpLossless(width: 5, height: 5), MediaSamples.wav(seconds: 0.1), MediaSamples.flac(seconds: 1),
                       MediaSamples.opus(seconds: 1), MediaSamples.m4a(seconds: 1), MediaSamples.webm(seconds: 1), MediaSamples.mp3(frames: 3)]
        var answered = 0
        for sample in samples {
            for length in 0...min(sample.count, 400) where (try? MediaInspector.inspect(Array(sample.prefix(length)))) != nil { answered += 1 }
            for _ in 0..<300 {
                var damaged = sample
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if (try? MediaInspector.inspect(damaged)) != nil { answered += 1 }
            }
        }
        #expect(answered > 0)
    }
}
