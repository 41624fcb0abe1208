import Foundation
import Testing

/// Real media files made in the test, through the real gateway, media, agent, RAG and config executables:
/// speech from `espeak-ng` (converted with `sox` and `opusenc`) transcribed by a real Whisper model behind
/// OpenAI's transcription API (`TEST_TRANSCRIPTION_URL`, started by the test command), and images with text
/// drawn by ImageMagick read by the built-in Tesseract OCR.
enum MediaFiles {
    static func tool(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            // ImageMagick's real convert is Debian's; /usr/local/bin may hold a placeholder.
            if name == "convert" && directory == "/usr/local/bin" { continue }
            return "\(directory)/\(name)"
        }
        throw CocoaError(.executableNotLoadable, userInfo: [NSLocalizedDescriptionKey: "\(name) is missing: scripts/test.sh installs it"])
    }

    static func run(_ name: String, _ arguments: [String]) throws {
        let result = try runCommand(try tool(name), arguments)
        guard result.status == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(name) \(arguments.prefix(3)) failed with \(result.status)"])
        }
    }

    /// `text` spoken by espeak-ng in `voice` (`es`, `en`), as `format` (`wav`, `opus`, `mp3`, `ogg`).
    static func speech(_ text: String, voice: String = "es", format: String = "wav") throws -> [UInt8] {
        let directory = NSTemporaryDirectory() + "speech-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try run("espeak-ng", ["-v", voice, "-w", "\(directory)/raw.wav", text])
        try run("sox", ["-D", "\(directory)/raw.wav", "-r", "16000", "-c", "1", "-b", "16", "\(directory)/voice.wav"])
        switch format {
        case "opus": try run("opusenc", ["--quiet", "\(directory)/voice.wav", "\(directory)/voice.opus"])
        case "wav": break
        default: try run("sox", ["-D", "\(directory)/voice.wav", "\(directory)/voice.\(format)"])
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/voice.\(format)")))
    }

    /// Lines of text drawn on a white canvas, as `format`.
    static func image(_ lines: [String], width: Int = 1000, height: Int = 500, format: String = "png") throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "image-\(UUID().uuidString.prefix(8)).\(format)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var arguments = ["-size", "\(width)x\(height)", "xc:white", "-fill", "#202020", "-font", "DejaVu-Sans", "-pointsize", "36"]
        for (index, line) in lines.enumerated() { arguments += ["-annotate", "+50+\(90 + index * 64)", line] }
        try run("convert", arguments + [path])
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A multipart/form-data body: text fields, then one file part.
    static func form(fields: [String: String], fileField: String, fileName: String, fileType: String, file: [UInt8])
        -> (contentType: String, body: [UInt8]) {
        let boundary = "----media-test-\(UUID().uuidString.prefix(12))"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"\(fileName)\"\r\nContent-Type: \(fileType)\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}

extension IntegrationSuite {
    @Suite(.serialized) struct MediaIntegrationTests {
        /// benova (Spanish) and wellness (English) transcribe with the real Whisper server; dental's provider is a
        /// closed port; medispa has none.
        static func start() async throws -> GatewayFixture {
            let whisper = try #require(ProcessInfo.processInfo.environment["TEST_TRANSCRIPTION_URL"],
                                       "TEST_TRANSCRIPTION_URL is not set: run the tests through scripts/test.sh, which starts the Whisper server")
            let fixture = GatewayFixture()
            let provider = #""providers": {"transcription": {"provider": "openai", "base_url": "\#(whisper)", "model": "whisper-base"}}, "#
            fixture.companyExtras["benova"] = provider
            // wellness's vision model is a closed port: the built-in analyser answers, and says why.
            fixture.companyExtras["wellness"] = #""language": "en", "providers": {"transcription": {"provider": "openai", "base_url": "\#(whisper)", "#
                + #""model": "whisper-base"}, "vision": {"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "gpt-4o-mini"}}, "#
            fixture.companyExtras["dental"] = #""providers": {"transcription": {"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "#
                + #""model": "whisper-base", "timeout_seconds": 3}}, "#
            try await fixture.start(startAllServices: true)
            return fixture
        }

        func upload(_ fixture: GatewayFixture, _ path: String, company: String, fields: [String: String], fileField: String, fileName: String,
                    fileType: String, file: [UInt8]) -> RawHTTPResponse? {
            let form = MediaFiles.form(fields: fields, fileField: fileField, fileName: fileName, fileType: fileType, file: file)
            return fixture.request("POST", path, headers: ["X-API-Key": fixture.adminKey, "X-Company-ID": company, "Content-Type": form.contentType],
                                   bytes: form.body)
        }

        /// Word-level edit distance over the number of spoken words (lower case, punctuation dropped, digits
        /// as written: "3" for "tres" counts as one error).
        static func wordErrorRate(spoken: String, heard: String) -> Double {
            func words(_ text: String) -> [String] {
                text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
            }
            let reference = words(spoken), hypothesis = words(heard)
            guard !reference.isEmpty else { return hypothesis.isEmpty ? 0 : 1 }
            var previous = Array(0...hypothesis.count)
            for (i, word) in reference.enumerated() {
                var current = [i + 1] + Array(repeating: 0, count: hypothesis.count)
                for (j, other) in hypothesis.enumerated() {
                    current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (word == other ? 0 : 1))
                }
                previous = current
            }
            return Double(previous[hypothesis.count]) / Double(reference.count)
        }

        @Test func spanishVoiceNotes_AreTranscribedByWhisper_AndAnswered() async throws {
            let fixture = try await Self.start()
            defer { fixture.stop() }
            let spoken = "Hola, quiero agendar una cita para botox el viernes a las tres de la tarde"
            for (format, type) in [("wav", "audio/wav"), ("opus", "audio/ogg"), ("mp3", "audio/mpeg")] {
                let audio = try MediaFiles.speech(spoken, format: format)
                let answer = upload(fixture, "/api/multimedia/process-voice", company: "benova", fields: ["user_id": "voz-\(format)"],
                                    fileField: "audio", fileName: "nota.\(format)", fileType: type, file: audio)
                #expect(answer?.status == 200, "\(format): \(answer?.text ?? "no answer")")
                let json = answer?.json ?? [:]
                let transcript = (json["transcript"] as? String ?? "").lowercased()
                // Whisper base mishears some of espeak's words ("la cesta de la tarde" for "las tres de la tarde"):
                // the treatment must come through, and the rest with at most a third of the words wrong. (The audio
                // is made without sox's dither, so each run sends the same samples and gets the same transcript.)
                #expect(transcript.contains("botox"), "\(format): \(transcript)")
                let errors = Self.wordErrorRate(spoken: spoken, heard: transcript)
                #expect(errors <= 1.0 / 3, "\(format): word error rate \(errors) in \(transcript)")
                #expect(!(json["bot_response"] as? String ?? "").isEmpty)
                #expect(["schedule", "availability", "sales"].contains(json["agent_used"] as? String ?? ""), "\(json["agent_used"] ?? "")")
                let audioInfo = json["audio"] as? [String: Any]
                #expect(audioInfo?["format"] as? String == (format == "opus" ? "opus" : format))
                #expect((audioInfo?["duration_seconds"] as? Double ?? 0) > 2)
                #expect((json["transcription"] as? [String: Any])?["language"] as? String == "es")
            }
        }

        @Test func englishVoiceNote_ForAnEnglishClinic() async throws {
            let fixture = try await Self.start()
            defer { fixture.stop() }
            let audio = try MediaFiles.speech("How much does a botox treatment cost?", voice: "en", format: "wav")
            let answer = upload(fixture, "/api/multimedia/process-voice", company: "wellness", fields: ["user_id": "voice-en"],
                                fileField: "audio", fileName: "note.wav", fileType: "audio/wav", file: audio)
            #expect(answer?.status == 200, "\(answer?.text ?? "no answer")")
            let transcript = (answer?.json?["transcript"] as? String ?? "").lowercased()
            #expect(transcript.contains("botox") || transcript.contains("cost"), "\(transcript)")
            #expect((answer?.json?["transcription"] as? [String: Any])?["language"] as? String == "en")
        }

        @Test func voiceWithoutAProvider_Is503_AndAnUnreachableProviderToo() async throws {
            let fixture = try await Self.start()
            defer { fixture.stop() }
            let audio = try MediaFiles.speech("Hola", format: "wav")
            let none = upload(fixture, "/api/multimedia/process-voice", company: "medispa", fields: ["user_id": "u1"], fileField: "audio",
                              fileName: "a.wav", fileType: "audio/wav", file: audio)
            #expect(none?.status == 503, "\(none?.text ?? "")")
            #expect((none?.json?["error"] as? [String: Any])?["code"] as? String == "transcription_unavailable")
            #expect(none?.json?["transcript"] == nil)
            let closed = upload(fixture, "/api/multimedia/process-voice", company: "dental", fields: ["user_id": "u1"], fileField: "audio",
                                fileName: "a.wav", fileType: "audio/wav", file: audio)
            #expect(closed?.status == 503, "\(closed?.text ?? "")")
            #expect((closed?.json?["error"] as? [String: Any])?["code"] as? String == "provider_unavailable")
        }

        @Test func priceListPhoto_IsReadByOCR_AndAnsweredWithItsQuestion() async throws {
            let fixture = try await Self.start()
            defer { fixture.stop() }
            let image = try MediaFiles.image(["Lista de precios", "Botox: 250 €", "Ácido hialurónico: 300 €"])
            let answer = upload(fixture, "/api/multimedia/process-image", company: "medispa",
                                fields: ["user_id": "foto-1", "question": "¿Este precio del botox sigue vigente?"],
                                fileField: "image", fileName: "precios.png", fileType: "image/png", file: image)
            #expect(answer?.status == 200, "\(answer?.text ?? "no answer")")
            let json = answer?.json ?? [:]
            #expect((json["ocr_text"] as? String ?? "").contains("Botox: 250 €"), "\(json["ocr_text"] ?? "")")
            #expect(json["text_found"] as? Bool == true)
            #expect((json["image_description"] as? String ?? "").hasPrefix("Imagen PNG de 1000×500 píxeles"), "\(json["image_description"] ?? "")")
            #expect(json["agent_used"] as? String == "sales", "\(json["agent_used"] ?? "")")
            #expect(!(json["bot_response"] as? String ?? "").isEmpty)
            #expect((json["analysis"] as? [String: Any])?["provider"] as? String == "builtin")
            #expect((json["analysis"] as? [String: Any])?["provider_note"] is NSNull)

            // An English clinic whose vision model is down: described by the built-in analyser, in English, with the reason.
            let english = upload(fixture, "/api/multimedia/process-image", company: "wellness", fields: ["user_id": "photo-2"],
                                 fileField: "image", fileName: "prices.png", fileType: "image/png", file: image)
            #expect(english?.status == 200, "\(english?.text ?? "no answer")")
            let analysis = english?.json?["analysis"] as? [String: Any]
            #expect(analysis?["provider"] as? String == "builtin")
            let note = (analysis?["provider_note"] as? String) ?? ""
            let description = (english?.json?["image_description"] as? String) ?? ""
            #expect(note.contains("vision model failed"), "\(analysis ?? [:])")
            #expect(description.hasPrefix("PNG image of 1000×500 pixels; text read: \""), "\(description)")
        }

        @Test func spoofedTruncatedAndOversizedFiles_AreRefusedWithClearErrors() async throws {
            let fixture = try await Self.start()
            defer { fixture.stop() }
            let png = try MediaFiles.image(["Promoción"], width: 300, height: 120)
            func code(_ response: RawHTTPResponse?) -> String { (response?.json?["error"] as? [String: Any])?["code"] as? String ?? "" }
            // A PNG named and typed as an MP3 voice note.
            let spoofed = upload(fixture, "/api/multimedia/process-voice", company: "benova", fields: ["user_id": "u"], fileField: "audio",
                                 fileName: "nota.mp3", fileType: "audio/mpeg", file: png)
            #expect(spoofed?.status == 415 && code(spoofed) == "media_type_mismatch", "\(spoofed?.text ?? "")")
            // A WAV declared as a PNG image.
            let wav = try MediaFiles.speech("hola", format: "wav")
            let declared = upload(fixture, "/api/multimedia/process-image", company: "benova", fields: ["user_id": "u"], fileField: "image",
                                  fileName: "foto.png", fileType: "image/png", file: wav)
            #expect(declared?.status == 415 && code(declared) == "media_type_mismatch", "\(declared?.text ?? "")")
            // Bytes of no format at all.
            let noise = upload(fixture, "/api/multimedia/process-image", company: "benova", fields: ["user_id": "u"], fileField: "image",
                               fileName: "foto.jpg", fileType: "application/octet-stream", file: Array(repeating: 0x41, count: 4_000))
            #expect(noise?.status == 415 && code(noise) == "unsupported_media_type", "\(noise?.text ?? "")")
            // A PNG cut in half.
            let cut = upload(fixture, "/api/multimedia/process-image", company: "benova", fields: ["user_id": "u"], fileField: "image",
                             fileName: "foto.png", fileType: "image/png", file: Array(png.prefix(png.count / 2)))
            #expect(cut?.status == 400 && code(cut) == "media_truncated", "\(cut?.text ?? "")")
            // Over the image limit: refused by the gateway before the media service sees it.
            let large = upload(fixture, "/api/multimedia/process-image", company: "benova", fields: ["user_id": "u"], fileField: "image",
                               fileName: "big.png", fileType: "image/png", file: png + Array(repeating: 0, count: 10 << 20))
            #expect(large?.status == 413, "\(large?.status ?? 0) \(large?.text.prefix(200) ?? "")")
            // No file, no user.
            let missing = upload(fixture, "/api/multimedia/process-image", company: "benova", fields: ["question": "?"], fileField: "image",
                                 fileName: "a.png", fileType: "image/png", file: png)
            #expect(missing?.status == 422, "\(missing?.text ?? "")")
            let notMultipart = fixture.request("POST", "/api/multimedia/process-voice",
                                               headers: ["X-API-Key": fixture.adminKey, "X-Company-ID": "benova", "Content-Type": "application/json"],
                                               body: #"{"audio": "AAAA"}"#)
            #expect(notMultipart?.status == 415, "\(notMultipart?.text ?? "")")
            // Every refusal is the standard envelope.
            for response in [spoofed, declared, noise, cut, missing] {
                #expect(response?.json?["status"] as? String == "error" && response?.json?["message"] is String)
            }
        }

        @Test func capabilities_SayWhatEachCompanyCanProcess_AndNeedCredentials() async throws {
            let fixture = try await Self.start()
            defer { fixture.stop() }
            let benova = fixture.request("GET", "/api/multimedia/capabilities", headers: ["X-API-Key": fixture.benovaKey])?.json ?? [:]
            #expect(benova["company_id"] as? String == "benova")
            #expect((benova["voice"] as? [String: Any])?["available"] as? Bool == true)
            #expect((benova["voice"] as? [String: Any])?["provider"] as? String == "openai")
            #expect((benova["image"] as? [String: Any])?["provider"] as? String == "builtin")
            #expect(Set(benova["ocr_languages"] as? [String] ?? []).isSuperset(of: ["spa", "eng"]))
            #expect((benova["limits"] as? [String: Any])?["audio_bytes"] as? Double == Double(25 << 20))
            let medispa = fixture.request("GET", "/api/multimedia/capabilities", headers: ["X-API-Key": fixture.adminKey, "X-Company-ID": "medispa"])?.json
            #expect((medispa?["voice"] as? [String: Any])?["available"] as? Bool == false)
            // Tenant credentials act for their own company only.
            let other = fixture.request("GET", "/api/multimedia/capabilities", headers: ["X-API-Key": fixture.benovaKey, "X-Company-ID": "dental"])
            #expect(other?.status == 403, "\(other?.status ?? 0)")
            let anonymous = fixture.request("GET", "/api/multimedia/capabilities", headers: ["X-Company-ID": "benova"])
            #expect(anonymous?.status == 401)
        }
    }
}
