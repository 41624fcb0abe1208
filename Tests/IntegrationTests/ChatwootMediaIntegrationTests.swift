import Foundation
import Testing

extension IntegrationSuite {
    /// Voice notes, photos and videos sent through Chatwoot: the agent service downloads each attachment from
    /// the company's own (fake) Chatwoot, the media service transcribes it with the real Whisper server or reads
    /// it with Tesseract, and the reply answers what the patient said, typed and attached.
    @Suite(.serialized) struct ChatwootMediaIntegrationTests {
        typealias Chatwoot = ChatwootWebhookIntegrationTests

        static func start() async throws -> Chatwoot.System {
            let whisper = try #require(ProcessInfo.processInfo.environment["TEST_TRANSCRIPTION_URL"],
                                       "TEST_TRANSCRIPTION_URL is not set: run the tests through scripts/test.sh, which starts the Whisper server")
            // benova transcribes with Whisper; medispa has no transcription provider.
            return try await Chatwoot.start(companyExtras: [
                "benova": #""providers": {"transcription": {"provider": "openai", "base_url": "\#(whisper)", "model": "whisper-base"}}, "#,
            ])
        }

        /// The replies the bot sent in the conversation, once there are `count`.
        func replies(_ system: Chatwoot.System, account: String, conversation: Int, count: Int = 1) async -> [String] {
            _ = await waitUntil(timeout: .seconds(30)) {
                system.chatwoot.calls(account: account, conversation: conversation).filter(\.isReply).count >= count
            }
            return system.chatwoot.calls(account: account, conversation: conversation).filter(\.isReply).map(\.content)
        }

        /// The patient's turns in the conversation memory.
        func patientTurns(_ system: Chatwoot.System, company: String, contact: Int) -> [String] {
            let history = system.fixture.request("GET", "/api/conversations/chatwoot_contact_\(contact)/history",
                                                 headers: ["X-API-Key": system.fixture.adminKey, "X-Company-ID": company])?.json
            let messages = history?["messages"] as? [[String: Any]] ?? []
            return messages.filter { $0["role"] as? String == "user" }.compactMap { $0["content"] as? String ?? $0["text"] as? String }
        }

        func downloads(_ system: Chatwoot.System) -> Int { system.chatwoot.calls().filter { $0.action == "download" }.count }

        @Test func voiceNoteWithText_IsTranscribedAndAnsweredWithTheTypedText() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            let document = ChatwootPayloads.json(["title": "Precios", "content": "# Precios\nEl tratamiento con botox cuesta 220 € por zona en Benova."])
            let stored = system.fixture.request("POST", "/api/documents", headers: ["X-API-Key": system.fixture.adminKey, "X-Company-ID": "benova",
                                                                                     "Content-Type": "application/json"], body: document)
            #expect(stored?.status == 201)
            let audio = try MediaFiles.speech("Quiero saber cuánto cuesta el botox", format: "opus")
            let url = try #require(system.chatwoot.storeFile(audio, name: "nota.ogg", type: "audio/ogg"))
            let payload = ChatwootPayloads.incoming("Les mando un audio", id: 9501, conversation: 71, account: 7, contact: 771, attachments: [
                ChatwootPayloads.attachment(1, message: 9501, account: 7, fileType: "audio", dataURL: url, contentType: "audio/ogg", size: audio.count),
            ])
            #expect(system.deliver(payload, account: "7")?.status == 200)
            let reply = try #require(await replies(system, account: "7", conversation: 71).first)
            #expect(reply.contains("220 €"), "the transcript's question answered from the clinic's documents: \(reply)")
            #expect(downloads(system) == 1)
            let turn = try #require(patientTurns(system, company: "benova", contact: 771).last)
            #expect(turn.hasPrefix("Les mando un audio\nTranscripción de voz: "), "\(turn)")
            #expect(turn.lowercased().contains("botox"), "\(turn)")
        }

        @Test func photoWithAQuestion_IsReadByOCR_AndTheQuestionAnswered() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            let image = try MediaFiles.image(["Promoción botox", "20% de descuento", "hasta el 15 de diciembre"])
            let url = try #require(system.chatwoot.storeFile(image, name: "promo.png", type: "image/png"))
            let payload = ChatwootPayloads.incoming("¿Esta promoción sigue vigente?", id: 9601, conversation: 72, account: 8, contact: 772, attachments: [
                ChatwootPayloads.attachment(2, message: 9601, account: 8, fileType: "image", dataURL: url, contentType: "image/png", size: image.count),
            ])
            #expect(system.deliver(payload, account: "8")?.status == 200)
            let reply = try #require(await replies(system, account: "8", conversation: 72).first)
            #expect(!reply.isEmpty && !reply.contains("No pude"), "\(reply)")
            let turn = try #require(patientTurns(system, company: "medispa", contact: 772).last)
            #expect(turn.hasPrefix("¿Esta promoción sigue vigente?\nContexto visual: Imagen PNG"), "\(turn)")
            #expect(turn.contains("Promoción botox") && turn.contains("20% de descuento"), "\(turn)")
        }

        @Test func video_VoiceWithoutAProvider_AndAnOffHostURL_GetHonestReplies() async throws {
            let system = try await Self.start()
            defer { system.stop() }
            // A video: not downloaded, answered politely.
            let video = ChatwootPayloads.incoming(nil, id: 9701, conversation: 73, account: 7, contact: 773, attachments: [
                ChatwootPayloads.attachment(3, message: 9701, account: 7, fileType: "video", dataURL: system.chatwoot.baseURL + "/rails/x.mp4",
                                            contentType: "video/mp4", size: 1_000_000),
            ])
            #expect(system.deliver(video, account: "7")?.status == 200)
            let videoReply = await replies(system, account: "7", conversation: 73)
            #expect(videoReply == ["Todavía no puedo ver este tipo de archivo (video). ¿Me cuentas por escrito lo que necesitas?"], "\(videoReply)")

            // medispa has no transcription provider: said so, never a made-up transcript.
            let audio = try MediaFiles.speech("Hola, quiero una cita", format: "opus")
            let url = try #require(system.chatwoot.storeFile(audio, name: "nota.ogg", type: "audio/ogg"))
            let voice = ChatwootPayloads.incoming(nil, id: 9702, conversation: 74, account: 8, contact: 774, attachments: [
                ChatwootPayloads.attachment(4, message: 9702, account: 8, fileType: "audio", dataURL: url, contentType: "audio/ogg", size: audio.count),
            ])
            #expect(system.deliver(voice, account: "8")?.status == 200)
            let voiceReply = await replies(system, account: "8", conversation: 74)
            #expect(voiceReply == ["No puedo escuchar audios todavía, ¿me lo escribes?"], "\(voiceReply)")

            // A data_url aimed at Redis on loopback: refused before any request, the typed text still answered.
            let aimed = ChatwootPayloads.incoming("Hola, ¿cuál es su horario?", id: 9703, conversation: 75, account: 7, contact: 775, attachments: [
                ChatwootPayloads.attachment(5, message: 9703, account: 7, fileType: "image", dataURL: "http://127.0.0.1:6379/", contentType: "image/png",
                                            size: 10),
            ])
            #expect(system.deliver(aimed, account: "7")?.status == 200)
            let aimedReply = try #require(await replies(system, account: "7", conversation: 75).first)
            #expect(aimedReply.hasPrefix("No pude abrir el archivo que enviaste, ¿me lo cuentas por escrito?\n\n") && aimedReply.count > 80,
                    "\(aimedReply)")
            #expect(downloads(system) == 1, "only medispa's voice note was fetched")
            let turns = patientTurns(system, company: "benova", contact: 775)
            #expect(turns == ["Hola, ¿cuál es su horario?"], "the refused file adds nothing to what the patient said: \(turns)")
        }
    }
}
