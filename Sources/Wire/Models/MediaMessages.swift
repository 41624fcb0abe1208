/// `media/transcribe` request: one audio file, as received, for the company's transcription provider.
public struct TranscribeAudioRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var audio: [UInt8]
    /// The MIME type the sender declared (a multipart part's, Chatwoot's `content_type`); checked against the bytes.
    public var declaredType: String?
    public init(companyID: CompanyID, audio: [UInt8], declaredType: String? = nil) {
        self.companyID = companyID
        self.audio = audio
        self.declaredType = declaredType
    }
}

/// `media/transcribe` response.
public struct AudioTranscription: Codable, Sendable, Equatable {
    public var transcript: String
    /// The format read from the bytes (`wav`, `opus`, `mp3`…).
    public var format: String
    /// From the audio's headers, when they say.
    public var durationSeconds: Double?
    /// `openai` (any OpenAI-compatible transcription API).
    public var provider: String
    public var model: String
    /// The language asked of the provider (nil: the provider detected it).
    public var language: String?
    public var milliseconds: Double
    public init(transcript: String, format: String, durationSeconds: Double?, provider: String, model: String, language: String?,
                milliseconds: Double) {
        self.transcript = transcript
        self.format = format
        self.durationSeconds = durationSeconds
        self.provider = provider
        self.model = model
        self.language = language
        self.milliseconds = milliseconds
    }
}

/// `media/analyseImage` request: one image, as received, with the patient's question if any.
public struct AnalyseImageRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var image: [UInt8]
    public var declaredType: String?
    /// What the patient asked about the image (steers a vision model; the built-in analyser ignores it).
    public var question: String?
    public init(companyID: CompanyID, image: [UInt8], declaredType: String? = nil, question: String? = nil) {
        self.companyID = companyID
        self.image = image
        self.declaredType = declaredType
        self.question = question
    }
}

/// `media/analyseImage` response.
public struct ImageAnalysis: Codable, Sendable, Equatable {
    /// What the image shows, in the company's language: the vision model's description, or the built-in
    /// analyser's (format, size and the text read from it).
    public var description: String
    /// The text OCR read from the image ("" when none was found, or OCR did not run).
    public var ocrText: String
    public var textFound: Bool
    public var format: String
    public var width: Int
    public var height: Int
    /// `openai` (a vision model described it) or `builtin` (offline OCR).
    public var provider: String
    public var model: String?
    /// Tesseract's mean word confidence, 0–100, when OCR ran.
    public var ocrConfidence: Double?
    /// OCR stopped at its time limit (the text is what it had read by then).
    public var ocrTimedOut: Bool
    /// Why the configured vision model was not used for this image (it failed and the built-in analyser answered).
    public var providerNote: String?
    public var milliseconds: Double
    public init(description: String, ocrText: String, textFound: Bool, format: String, width: Int, height: Int, provider: String,
                model: String? = nil, ocrConfidence: Double? = nil, ocrTimedOut: Bool = false, providerNote: String? = nil, milliseconds: Double) {
        self.description = description
        self.ocrText = ocrText
        self.textFound = textFound
        self.format = format
        self.width = width
        self.height = height
        self.provider = provider
        self.model = model
        self.ocrConfidence = ocrConfidence
        self.ocrTimedOut = ocrTimedOut
        self.providerNote = providerNote
        self.milliseconds = milliseconds
    }
}

/// `media/capabilities` request.
public struct MediaCapabilitiesRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// One capability of a company's media processing.
public struct MediaCapability: Codable, Sendable, Equatable {
    public var available: Bool
    /// `openai`, `builtin`, or `none`.
    public var provider: String
    public var model: String?
    /// Why it is not available, when it is not.
    public var reason: String?
    public init(available: Bool, provider: String, model: String? = nil, reason: String? = nil) {
        self.available = available
        self.provider = provider
        self.model = model
        self.reason = reason
    }
}

/// `media/capabilities` response: what the company can send and who processes it.
public struct MediaCapabilities: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var voice: MediaCapability
    public var image: MediaCapability
    /// The built-in OCR (always there when Tesseract's language data is installed).
    public var ocr: MediaCapability
    public var ocrLanguages: [String]
    public var audioFormats: [String]
    public var imageFormats: [String]
    public var maximumAudioBytes: Int
    public var maximumImageBytes: Int
    public var maximumAudioSeconds: Double
    public var maximumImageSide: Int
    public var maximumImagePixels: Int
    public init(companyID: CompanyID, voice: MediaCapability, image: MediaCapability, ocr: MediaCapability, ocrLanguages: [String],
                audioFormats: [String], imageFormats: [String], maximumAudioBytes: Int, maximumImageBytes: Int, maximumAudioSeconds: Double,
                maximumImageSide: Int, maximumImagePixels: Int) {
        self.companyID = companyID
        self.voice = voice
        self.image = image
        self.ocr = ocr
        self.ocrLanguages = ocrLanguages
        self.audioFormats = audioFormats
        self.imageFormats = imageFormats
        self.maximumAudioBytes = maximumAudioBytes
        self.maximumImageBytes = maximumImageBytes
        self.maximumAudioSeconds = maximumAudioSeconds
        self.maximumImageSide = maximumImageSide
        self.maximumImagePixels = maximumImagePixels
    }
}

/// How what a patient sent as media joins what they typed, for the agents (the gateway's media endpoints and
/// the Chatwoot processor word it the same way): the typed text first, then one labelled line per file.
public enum MediaText {
    /// The label of a voice note's transcript.
    public static func voiceLabel(english: Bool) -> String { english ? "Voice transcription: " : "Transcripción de voz: " }
    /// The label of an image's description.
    public static func visualLabel(english: Bool) -> String { english ? "Visual context: " : "Contexto visual: " }

    /// `typed`, then the transcripts and image descriptions, each labelled; at most 4,000 characters.
    public static func message(typed: String?, voice: [String] = [], visual: [String] = [], english: Bool) -> String {
        var lines: [String] = []
        if let typed, !typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { lines.append(typed) }
        lines += voice.map { voiceLabel(english: english) + $0 }
        lines += visual.map { visualLabel(english: english) + $0 }
        return String(lines.joined(separator: "\n").prefix(4_000))
    }

    /// One image's description with what was typed.
    public static func message(typed: String?, visual: String, english: Bool) -> String {
        message(typed: typed, visual: [visual], english: english)
    }
}
