import Foundation
import HTTPServerCore
import ServiceLogging
import Synchronization
import Testing
import TestSupport
import Wire
import WireRPC
@testable import AgentCore

/// A media service stand-in: answers each call from a script and records what it was asked.
final class ScriptedMedia: MediaUnderstanding, Sendable {
    let calls = Mutex<[String]>([])
    let transcripts: Mutex<[Result<String, RPCError>]>
    let descriptions: Mutex<[Result<String, RPCError>]>

    init(transcripts: [Result<String, RPCError>] = [], descriptions: [Result<String, RPCError>] = []) {
        self.transcripts = Mutex(transcripts)
        self.descriptions = Mutex(descriptions)
    }

    func transcribe(_ request: TranscribeAudioRequest) async throws(RPCError) -> AudioTranscription {
        calls.withLock { $0.append("transcribe \(request.companyID) \(request.audio.count) \(request.declaredType ?? "-")") }
        let next = transcripts.withLock { $0.isEmpty ? .failure(RPCError(.internal, "unscripted")) : $0.removeFirst() }
        let text = try next.get()
        return AudioTranscription(transcript: text, format: "opus", durationSeconds: 2, provider: "openai", model: "whisper", language: "es", milliseconds: 1)
    }

    func analyse(_ request: AnalyseImageRequest) async throws(RPCError) -> ImageAnalysis {
        calls.withLock { $0.append("analyse \(request.companyID) \(request.question ?? "-")") }
        let next = descriptions.withLock { $0.isEmpty ? .failure(RPCError(.internal, "unscripted")) : $0.removeFirst() }
        let text = try next.get()
        return ImageAnalysis(description: text, ocrText: "", textFound: false, format: "png", width: 1, height: 1, provider: "builtin", milliseconds: 1)
    }
}

struct AttachmentComposerTests {
    static func company(_ base: String, language: String = "es") -> Company {
        var company = Company(id: CompanyID("benova")!, companyName: "Benova", redisPrefix: "benova:", vectorstoreIndex: "benova_documents")
        company.language = language
        company.chatwoot = ChatwootSettings(baseURL: base)
        return company
    }

    static func attachment(_ kind: ChatwootAttachment.Kind, _ url: String, transcript: String? = nil) -> ChatwootAttachment {
        ChatwootAttachment(id: 1, kind: kind, dataURL: url, contentType: kind == .audio ? "audio/ogg" : "image/png", fileSize: 10, transcribedText: transcript)
    }

    func compose(_ media: ScriptedMedia, typed: String, _ attachments: (String) -> [ChatwootAttachment], lastAttempt: Bool = false,
                 language: String = "es") async throws -> AttachmentComposer.Outcome {
        var outcome: AttachmentComposer.Outcome?
        try await withLocalHTTPServer(AttachmentHost()) { base, client in
            let composer = AttachmentComposer(downloader: AttachmentDownloader(client: client, timeout: .seconds(5), logger: Logger(component: "test")),
                                              media: media, logger: Logger(component: "test"))
            outcome = await composer.compose(typed: typed, attachments: attachments(base), company: Self.company(base, language: language),
                                             lastAttempt: lastAttempt)
        }
        return try #require(outcome)
    }

    static let file = "/rails/active_storage/blobs/redirect/abc/voz.ogg"

    @Test func everyAudioAndImage_IsUnderstood_InOrder_AndJoinsTheTypedText() async throws {
        let media = ScriptedMedia(transcripts: [.success("quiero botox"), .success("el viernes")],
                                  descriptions: [.success("Imagen PNG; texto: 20%"), .success("Imagen JPEG sin texto")])
        let outcome = try await compose(media, typed: "Hola") { base in
            [Self.attachment(.audio, base + Self.file), Self.attachment(.image, base + Self.file), Self.attachment(.other("video"), base + "/v.mp4"),
             Self.attachment(.audio, base + Self.file), Self.attachment(.image, base + Self.file)]
        }
        #expect(outcome == .composed(ComposedMessage(
            text: "Hola\nTranscripción de voz: quiero botox\nTranscripción de voz: el viernes\nContexto visual: Imagen PNG; texto: 20%\n"
                + "Contexto visual: Imagen JPEG sin texto",
            notices: ["Todavía no puedo ver este tipo de archivo (video). ¿Me cuentas por escrito lo que necesitas?"])))
        // The bytes came from the company's Chatwoot (through ActiveStorage's redirect) with the declared type; the question went along.
        #expect(media.calls.withLock { $0 } == ["transcribe benova 10 audio/ogg", "analyse benova Hola", "transcribe benova 10 audio/ogg", "analyse benova Hola"])
    }

    @Test func transientFailures_AskForAnotherAttempt_UntilTheLastOne() async throws {
        let down = RPCError(.unavailable, "provider 503", errorCode: "provider_unavailable")
        let first = try await compose(ScriptedMedia(transcripts: [.failure(down)]), typed: "") { [Self.attachment(.audio, $0 + Self.file)] }
        guard case .transient = first else { Issue.record("\(first)"); return }
        let last = try await compose(ScriptedMedia(transcripts: [.failure(down)]), typed: "", { [Self.attachment(.audio, $0 + Self.file)] }, lastAttempt: true)
        #expect(last == .composed(ComposedMessage(text: "", notices: ["No pude entender tu audio, ¿me lo escribes?"])))
        // Chatwoot unreachable for the file is transient too.
        let gone = try await compose(ScriptedMedia(), typed: "x") { _ in [Self.attachment(.image, "http://127.0.0.1:9/rails/x.png")] }
        guard case .composed(let refused) = gone else { Issue.record("\(gone)"); return }
        #expect(refused.notices == ["No pude abrir el archivo que enviaste, ¿me lo cuentas por escrito?"], "another origin is a refusal, not a retry")
    }

    @Test func noProvider_IsSaidHonestly_AndChatwootsOwnTranscriptIsUsed() async throws {
        let none = RPCError(.unavailable, "no provider", errorCode: "transcription_unavailable")
        let media = ScriptedMedia(transcripts: [.failure(none)])
        let outcome = try await compose(media, typed: "") { base in
            [Self.attachment(.audio, base + Self.file), Self.attachment(.audio, base + "/never-fetched", transcript: "precio del botox")]
        }
        #expect(outcome == .composed(ComposedMessage(text: "Transcripción de voz: precio del botox",
                                                     notices: ["No puedo escuchar audios todavía, ¿me lo escribes?"])))
        let english = try await compose(ScriptedMedia(transcripts: [.failure(none)]), typed: "", { [Self.attachment(.audio, $0 + Self.file)] },
                                        language: "en")
        #expect(english == .composed(ComposedMessage(text: "", notices: ["I can't listen to voice messages yet. Could you write it to me?"])))
        // A file the media service refuses (wrong format) is not retried.
        let wrong = RPCError(.invalidArgument, "not audio", errorCode: "media_type_mismatch")
        let refused = try await compose(ScriptedMedia(transcripts: [.failure(wrong)]), typed: "hola") { [Self.attachment(.audio, $0 + Self.file)] }
        #expect(refused == .composed(ComposedMessage(text: "hola", notices: ["No pude entender tu audio, ¿me lo escribes?"])))
    }

    @Test func payloads_AttachmentOnlyMessagesAreProcessed_AndAttachmentsRead() throws {
        let body = Array(#"""
        {"event":"message_created","id":77,"message_type":"incoming","private":false,"content":null,
         "sender":{"id":5,"name":"P"},"conversation":{"id":3,"status":"open","contact_inbox":{"contact_id":5}},
         "attachments":[{"id":1,"file_type":"audio","data_url":"https://chat.example/a.ogg","content_type":"audio/ogg","file_size":900,"transcribed_text":""},
                        {"id":2,"file_type":"image","data_url":"https://chat.example/b.jpg","content_type":"image/jpeg"},
                        {"id":3,"file_type":"ig_reel","data_url":"https://x"}, 7]}
        """#.utf8)
        let payload = try JSONParser.parse(body)
        guard case .process(let event) = ChatwootEvent.classify(payload, body: body, accountID: "1") else { Issue.record("ignored"); return }
        #expect(event.content == "" && event.userID == "chatwoot_contact_5")
        let attachments = ChatwootAttachment.all(in: body)
        #expect(attachments.map(\.kind) == [.audio, .image, .other("ig_reel")])
        #expect(attachments[0].transcribedText == nil && attachments[0].fileSize == 900 && attachments[1].contentType == "image/jpeg")
        let bare = Array(#"{"event":"message_created","id":78,"message_type":"incoming","content":"","sender":{"id":5},"conversation":{"id":3}}"#.utf8)
        #expect(ChatwootEvent.classify(try JSONParser.parse(bare), body: bare, accountID: "1") == .ignore(reason: "the message has no text and no attachment"))
    }
}
