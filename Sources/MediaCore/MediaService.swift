import CryptoPrimitives
import Foundation
import HTTPClient
import ServiceLogging
import ServiceRuntime
import Synchronization
import TenantStorage
import Wire
import WireRPC

/// The media service's Wire API: each company's voice transcription and image understanding.
///
/// Every call names its company; the RPC server has checked it against the call's tenant metadata, and the
/// service takes the company from its own copy of the configuration (an unknown or inactive one is
/// `notFound`). Files are checked by ``MediaInspector`` (format from the bytes, limits) before any provider or
/// decoder sees them. Providers come from the company's `providers.transcription` and `providers.vision`
/// (`openai` with a base URL and a model; keys read from the config service); with none, voice is refused
/// with `transcription_unavailable` (never an invented transcript) and images get the built-in analyser
/// (Tesseract OCR plus format and size), which is also the fallback when a vision model fails.
public final class MediaService: Sendable {
    private let companies: CompanyWatcher
    private let client: HTTPClient
    public let ocr: TesseractOCR
    public let limits: MediaLimits
    private let logger: Logger
    /// Languages the installed Tesseract data covers (read once, at the first call that needs them).
    private let ocrLanguages = Mutex<[String]?>(nil)

    public init(companies: CompanyWatcher, client: HTTPClient, ocr: TesseractOCR, limits: MediaLimits = .standard, logger: Logger) {
        self.companies = companies
        self.client = client
        self.ocr = ocr
        self.limits = limits
        self.logger = logger
    }

    /// Registers the methods; the purge has nothing to erase (the service keeps no tenant data: files are
    /// processed in memory and dropped).
    public func register(on router: inout RPCRouter) {
        router.registerNoTenantDataPurge(service: ServiceName.media.rawValue)
        router.register(MediaAPI.transcribe, execution: .cooperative) { [self] request, _ in
            try await transcribe(request)
        }
        router.register(MediaAPI.analyseImage, execution: .cooperative) { [self] request, _ in
            try await analyse(request)
        }
        router.register(MediaAPI.capabilities, execution: .cooperative) { [self] request, _ in
            try await capabilities(of: try await company(request.companyID))
        }
    }

    // MARK: Methods

    public func transcribe(_ request: TranscribeAudioRequest) async throws(RPCError) -> AudioTranscription {
        let company = try await company(request.companyID)
        let info = try inspect(request.audio, expecting: .audio, declaredType: request.declaredType)
        guard let provider = try await transcriptionClient(for: company) else {
            throw RPCError(.unavailable, "No transcription provider is configured for company '\(company.id)' (providers.transcription); "
                           + "send the message as text.", errorCode: "transcription_unavailable")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let text = try await provider.transcribe(request.audio, info: info)
            return AudioTranscription(transcript: text, format: info.kind.rawValue, durationSeconds: info.durationSeconds, provider: "openai",
                                      model: provider.settings.model, language: provider.settings.language,
                                      milliseconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        } catch {
            logger.warning("[\(company.id)] [media] transcription failed: \(error)")
            throw Self.rpcError(error, capability: "transcription")
        }
    }

    public func analyse(_ request: AnalyseImageRequest) async throws(RPCError) -> ImageAnalysis {
        let company = try await company(request.companyID)
        let info = try inspect(request.image, expecting: .image, declaredType: request.declaredType)
        let started = DispatchTime.now().uptimeNanoseconds
        let english = company.language.lowercased().hasPrefix("en")
        var note: String?
        // OCR runs in every case: its text is the reliable part (prices, dates), and the fallback.
        let reading: TesseractOCR.Reading
        do {
            reading = try await ocr.read(request.image, info: info)
        } catch {
            logger.warning("[\(company.id)] [media] OCR failed: \(error)")
            switch error.kind {
            case .undecodable: throw RPCError(.invalidArgument, error.message, errorCode: MediaError.Kind.malformed.rawValue)
            case .busy: throw RPCError(.resourceExhausted, "OCR is busy: \(error.message)")
            case .unavailable: throw RPCError(.unavailable, error.message, errorCode: "provider_unavailable")
            }
        }
        let width = info.width ?? 0, height = info.height ?? 0
        if let vision = try await visionClient(for: company) {
            do {
                let description = try await vision.describe(request.image, info: info, question: request.question)
                return ImageAnalysis(description: description, ocrText: reading.text, textFound: !reading.text.isEmpty, format: info.kind.rawValue,
                                     width: width, height: height, provider: "openai", model: vision.settings.model,
                                     ocrConfidence: reading.confidence, ocrTimedOut: reading.timedOut,
                                     milliseconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            } catch {
                logger.warning("[\(company.id)] [media] vision model failed, answering with the built-in analyser: \(error)")
                note = "the vision model failed (\(error.kind.rawValue)); described by the built-in analyser"
            }
        }
        return ImageAnalysis(description: Self.builtInDescription(info: info, text: reading.text, timedOut: reading.timedOut, english: english),
                             ocrText: reading.text, textFound: !reading.text.isEmpty, format: info.kind.rawValue, width: width, height: height,
                             provider: "builtin", model: "tesseract-" + ocr.languages, ocrConfidence: reading.confidence,
                             ocrTimedOut: reading.timedOut, providerNote: note,
                             milliseconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
    }

    public func capabilities(of company: Company) async throws(RPCError) -> MediaCapabilities {
        let transcription = company.providers?.transcription
        let vision = company.providers?.vision
        let voice: MediaCapability = if let transcription, Self.isConfigured(transcription) {
            MediaCapability(available: true, provider: "openai", model: transcription.model)
        } else {
            MediaCapability(available: false, provider: "none", reason: "no transcription provider is configured (providers.transcription)")
        }
        let languages = await installedOCRLanguages()
        let ocrCapability = languages.isEmpty
            ? MediaCapability(available: false, provider: "builtin", reason: "Tesseract's language data is not installed")
            : MediaCapability(available: true, provider: "builtin", model: "tesseract-" + ocr.languages)
        let image: MediaCapability = if let vision, Self.isConfigured(vision) {
            MediaCapability(available: true, provider: "openai", model: vision.model)
        } else {
            ocrCapability
        }
        return MediaCapabilities(
            companyID: company.id, voice: voice, image: image, ocr: ocrCapability, ocrLanguages: languages,
            audioFormats: MediaKind.allCases.filter { $0.category == .audio }.map(\.rawValue),
            imageFormats: MediaKind.allCases.filter { $0.category == .image }.map(\.rawValue),
            maximumAudioBytes: limits.audioBytes, maximumImageBytes: limits.imageBytes, maximumAudioSeconds: limits.audioSeconds,
            maximumImageSide: limits.imageSide, maximumImagePixels: limits.imagePixels)
    }

    /// The built-in analyser's description: format, size and the text read.
    static func builtInDescription(info: MediaInfo, text: String, timedOut: Bool, english: Bool) -> String {
        let format = info.kind.rawValue.uppercased()
        let size = "\(info.width ?? 0)×\(info.height ?? 0)"
        let quoted = text.split(separator: "\n").joined(separator: " / ")
        let excerpt = quoted.count > 600 ? String(quoted.prefix(600)) + "…" : quoted
        if english {
            guard !excerpt.isEmpty else { return "\(format) image of \(size) pixels with no readable text." }
            return "\(format) image of \(size) pixels; text read\(timedOut ? " (partly)" : ""): \"\(excerpt)\""
        }
        guard !excerpt.isEmpty else { return "Imagen \(format) de \(size) píxeles, sin texto legible." }
        return "Imagen \(format) de \(size) píxeles; texto leído\(timedOut ? " (en parte)" : ""): «\(excerpt)»"
    }

    // MARK: Helpers

    private func installedOCRLanguages() async -> [String] {
        if let known = ocrLanguages.withLock({ $0 }) { return known }
        let found = await ocr.installedLanguages()
        ocrLanguages.withLock { $0 = found }
        return found
    }

    private func company(_ id: CompanyID) async throws(RPCError) -> Company {
        var found = companies.company(id)
        if found == nil {
            try? await companies.refresh()
            found = companies.company(id)
        }
        guard let company = found, company.isActive else { throw RPCError(.notFound, "Company '\(id)' is not known to the media service.") }
        return company
    }

    private func inspect(_ bytes: [UInt8], expecting category: MediaKind.Category, declaredType: String?) throws(RPCError) -> MediaInfo {
        do {
            return try MediaInspector.inspect(bytes, expecting: category, declaredType: declaredType, limits: limits)
        } catch {
            throw RPCError(.invalidArgument, error.message, errorCode: error.kind.rawValue)
        }
    }

    static func isConfigured(_ settings: ProviderSettings) -> Bool {
        settings.provider == "openai" && !(settings.baseURL ?? "").isEmpty && !(settings.model ?? "").isEmpty
    }

    /// The key of `capability`, when the company's settings say it has one.
    private func apiKey(_ capability: String, settings: ProviderSettings, company: CompanyID) async throws(RPCError) -> String? {
        guard settings.apiKey != nil else { return nil }
        do {
            return try await companies.secrets(of: company).providerAPIKeys[capability]
        } catch {
            throw RPCError(.unavailable, "cannot read the \(capability) key from the config service: \(error.message)",
                           errorCode: "provider_unavailable")
        }
    }

    private func transcriptionClient(for company: Company) async throws(RPCError) -> TranscriptionClient? {
        guard let settings = company.providers?.transcription, Self.isConfigured(settings), let baseURL = settings.baseURL,
              let model = settings.model else { return nil }
        let key = try await apiKey("transcription", settings: settings, company: company.id)
        let treatments = company.treatmentDurations.keys.sorted().joined(separator: ", ")
        let prompt = [company.companyName, company.services, treatments].filter { !$0.isEmpty }.joined(separator: ". ")
        let timeout = settings.timeoutSeconds.map { Duration.milliseconds(Int(min(120, max(0.5, $0)) * 1_000)) } ?? .seconds(60)
        let language = String(company.language.prefix(2)).lowercased()
        return TranscriptionClient(settings: .init(baseURL: baseURL, model: model, apiKey: key, language: language.isEmpty ? nil : language,
                                                   prompt: prompt, timeout: timeout), client: client)
    }

    private func visionClient(for company: Company) async throws(RPCError) -> VisionClient? {
        guard let settings = company.providers?.vision, Self.isConfigured(settings), let baseURL = settings.baseURL,
              let model = settings.model else { return nil }
        let key = try await apiKey("vision", settings: settings, company: company.id)
        let timeout = settings.timeoutSeconds.map { Duration.milliseconds(Int(min(120, max(0.5, $0)) * 1_000)) } ?? .seconds(30)
        return VisionClient(settings: .init(baseURL: baseURL, model: model, apiKey: key,
                                            language: company.language.lowercased().hasPrefix("en") ? "en" : "es", timeout: timeout),
                            client: client)
    }

    /// A provider failure as the caller sees it: transient ones `unavailable` (retried later by the inbox), the
    /// others `failedPrecondition` with `provider_rejected` (a wrong key, a refused file: retrying will not help).
    static func rpcError(_ failure: ProviderFailure, capability: String) -> RPCError {
        if failure.isTransient {
            return RPCError(.unavailable, "The \(capability) provider is unavailable: \(failure.message)", errorCode: "provider_unavailable")
        }
        return RPCError(.failedPrecondition, "The \(capability) provider refused the request (\(failure.kind.rawValue)): \(failure.message)",
                        errorCode: "provider_rejected")
    }
}
