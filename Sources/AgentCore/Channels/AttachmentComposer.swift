import ServiceLogging
import Wire
import WireRPC

/// What a patient's message says once its attachments are understood.
public struct ComposedMessage: Codable, Sendable, Equatable {
    /// What the agents answer: the typed text, then "Transcripción de voz: …" and "Contexto visual: …" lines;
    /// empty when nothing in the message can be answered (a video alone).
    public var text: String
    /// Honest notes for the patient about what could not be understood, sent before the agents' answer.
    public var notices: [String]

    public init(text: String, notices: [String]) {
        self.text = text
        self.notices = notices
    }
}

/// Turns a Chatwoot message's attachments into text for the agents: every audio attachment transcribed and
/// every image described by the media service (not only the first), each downloaded safely from the
/// company's own Chatwoot. What cannot be understood is said honestly (no transcription provider, a refused or
/// broken file, video and other files), never passed to the agents as if the patient had written it. Failures
/// that may pass (Chatwoot or a provider unavailable, the media service down) are reported as transient so the
/// inbox tries the event again; on its last attempt they become honest notices too.
public struct AttachmentComposer: Sendable {
    let downloader: AttachmentDownloader
    let media: any MediaUnderstanding
    let logger: Logger

    public enum Outcome: Sendable, Equatable {
        case composed(ComposedMessage)
        /// Worth another attempt later, with the reason.
        case transient(String)
    }

    public init(downloader: AttachmentDownloader, media: any MediaUnderstanding, logger: Logger) {
        self.downloader = downloader
        self.media = media
        self.logger = logger
    }

    public func compose(typed: String, attachments: [ChatwootAttachment], company: Company, lastAttempt: Bool) async -> Outcome {
        let english = company.language.lowercased().hasPrefix("en")
        var voice: [String] = [], visual: [String] = [], notices: [String] = []
        func notice(_ text: String) { if !notices.contains(text) { notices.append(text) } }
        for attachment in attachments.prefix(ChatwootAttachment.maximumProcessed) {
            switch attachment.kind {
            case .other(let type):
                notice(Notice.unsupported(type, english: english))
            case .audio:
                if let transcript = attachment.transcribedText {
                    voice.append(transcript)
                    continue
                }
                switch await understand(attachment, company: company, limit: MediaAPI.maximumAudioBytes, { bytes throws(RPCError) in
                    try await media.transcribe(TranscribeAudioRequest(companyID: company.id, audio: bytes, declaredType: attachment.contentType)).transcript
                }) {
                case .success(let transcript) where !transcript.isEmpty: voice.append(transcript)
                case .success: notice(Notice.voiceFailed(english: english))
                case .failure(let failure):
                    if failure.transient && !lastAttempt { return .transient(failure.reason) }
                    notice(failure.noVoiceProvider ? Notice.noVoiceProvider(english: english)
                           : failure.fileUnavailable ? Notice.fileUnavailable(english: english) : Notice.voiceFailed(english: english))
                }
            case .image:
                let question = typed.isEmpty ? nil : typed
                switch await understand(attachment, company: company, limit: MediaAPI.maximumImageBytes, { bytes throws(RPCError) in
                    try await media.analyse(AnalyseImageRequest(companyID: company.id, image: bytes, declaredType: attachment.contentType,
                                                                question: question)).description
                }) {
                case .success(let description): visual.append(description)
                case .failure(let failure):
                    if failure.transient && !lastAttempt { return .transient(failure.reason) }
                    notice(failure.fileUnavailable ? Notice.fileUnavailable(english: english) : Notice.imageFailed(english: english))
                }
            }
        }
        if attachments.count > ChatwootAttachment.maximumProcessed { notice(Notice.tooMany(ChatwootAttachment.maximumProcessed, english: english)) }
        let text = voice.isEmpty && visual.isEmpty && typed.isEmpty ? "" : MediaText.message(typed: typed, voice: voice, visual: visual, english: english)
        return .composed(ComposedMessage(text: text, notices: notices))
    }

    /// Why one attachment was not understood.
    struct Failure: Error {
        var reason: String
        var transient = false
        var noVoiceProvider = false
        /// The file itself could not be fetched (refused destination, too large, no Chatwoot URL).
        var fileUnavailable = false
    }

    /// Downloads the attachment and runs `work` on its bytes.
    private func understand(_ attachment: ChatwootAttachment, company: Company, limit: Int,
                            _ work: ([UInt8]) async throws(RPCError) -> String) async -> Result<String, Failure> {
        guard let url = attachment.dataURL, !url.isEmpty else {
            return .failure(Failure(reason: "the attachment has no data_url", fileUnavailable: true))
        }
        let bytes: [UInt8]
        do {
            bytes = try await downloader.download(url, chatwootBaseURL: company.chatwoot?.baseURL, maximumBytes: limit, company: company.id.rawValue)
        } catch {
            return .failure(Failure(reason: "download: \(error)", transient: error.kind == .failed, fileUnavailable: error.kind != .failed))
        }
        do {
            return .success(try await work(bytes))
        } catch {
            logger.warning("[\(company.id)] [attachments] attachment \(attachment.id.map(String.init) ?? "?") not understood: \(error)")
            let product = error.metadata[RPCError.errorCodeMetadataKey]
            switch error.code {
            case .unavailable where product == "transcription_unavailable":
                return .failure(Failure(reason: error.message, noVoiceProvider: true))
            case .unavailable, .deadlineExceeded, .resourceExhausted, .cancelled, .notFound, .unknown, .internal:
                return .failure(Failure(reason: "media service: \(error)", transient: true))
            default:
                // The file is not a supported format, is over a limit, or the provider refused it: trying again will not help.
                return .failure(Failure(reason: "media service: \(error)"))
            }
        }
    }

    /// The honest notes, in the company's language.
    enum Notice {
        static func noVoiceProvider(english: Bool) -> String {
            english ? "I can't listen to voice messages yet. Could you write it to me?" : "No puedo escuchar audios todavía, ¿me lo escribes?"
        }
        static func voiceFailed(english: Bool) -> String {
            english ? "I couldn't make out your voice message. Could you write it to me?" : "No pude entender tu audio, ¿me lo escribes?"
        }
        static func imageFailed(english: Bool) -> String {
            english ? "I couldn't look at your image. Could you tell me what it shows?" : "No pude ver tu imagen, ¿me cuentas qué muestra?"
        }
        static func fileUnavailable(english: Bool) -> String {
            english ? "I couldn't open the file you sent. Could you tell me in writing?" : "No pude abrir el archivo que enviaste, ¿me lo cuentas por escrito?"
        }
        static func unsupported(_ type: String, english: Bool) -> String {
            let kind = ["video", "file", "location", "contact"].contains(type) ? " (\(type))" : ""
            return english ? "I can't look at this kind of file\(kind) yet. Could you tell me in writing what you need?"
                : "Todavía no puedo ver este tipo de archivo\(kind). ¿Me cuentas por escrito lo que necesitas?"
        }
        static func tooMany(_ count: Int, english: Bool) -> String {
            english ? "I only looked at the first \(count) files." : "Solo revisé los primeros \(count) archivos."
        }
    }
}
