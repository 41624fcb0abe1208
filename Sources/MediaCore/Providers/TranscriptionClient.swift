import Foundation
import HTTPClient
import HTTPServerCore

/// Speech to text through an OpenAI-compatible `POST /audio/transcriptions` (OpenAI's Whisper, faster-whisper
/// servers, LocalAI, vLLM), on the shared ``HTTPClient``: a multipart body with `file` (named with the
/// format's extension and typed with its MIME type, both from the bytes), `model`, `language`, `prompt` and
/// `response_format=json`. 429 and 5xx answers are tried again (three attempts at most, waiting at most 5 s for a
/// `Retry-After`); a time-out or a lost connection is not; the answer must carry `text`; an error body's `{"error":{"message"}}` is quoted. Nothing is invented: a failure is an error,
/// never a transcript.
public final class TranscriptionClient: Sendable {
    public struct Settings: Sendable, Equatable {
        /// The API base, e.g. `https://api.openai.com/v1`.
        public var baseURL: String
        public var model: String
        public var apiKey: String?
        /// ISO 639-1 (`es`, `en`); nil lets the model detect it.
        public var language: String?
        /// Words the speech is likely to contain (treatments, the clinic's name), which steer the model.
        public var prompt: String?
        /// The time limit of the call (a timed-out transcription is not tried again: it would take as long).
        public var timeout: Duration

        public init(baseURL: String, model: String, apiKey: String? = nil, language: String? = nil, prompt: String? = nil,
                    timeout: Duration = .seconds(60)) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
            self.language = language
            self.prompt = prompt
            self.timeout = timeout
        }
    }

    /// Why a transcription failed.
    public typealias Failure = ProviderFailure

    public let settings: Settings
    private let client: HTTPClient

    public init(settings: Settings, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    /// The text spoken in `audio` (already checked by ``MediaInspector``: `info` says its format).
    public func transcribe(_ audio: [UInt8], info: MediaInfo) async throws(Failure) -> String {
        let boundary = "----transcription-" + UUID().uuidString.lowercased()
        var fields: [(String, String)] = [("model", settings.model), ("response_format", "json")]
        if let language = settings.language, !language.isEmpty { fields.append(("language", language)) }
        if let prompt = settings.prompt, !prompt.isEmpty { fields.append(("prompt", String(prompt.prefix(800)))) }
        let body = Self.multipart(boundary: boundary, fields: fields, fileName: "audio.\(info.kind.fileExtension)", fileType: info.kind.mimeType,
                                  file: audio)
        var request = HTTPClientRequest(method: "POST", url: settings.baseURL + "/audio/transcriptions", body: body, timeout: settings.timeout,
                                        connectTimeout: .seconds(5), maximumResponseBytes: 1 << 20,
                                        retry: ProviderFailure.retryPolicy)
        request.addHeader("Content-Type", "multipart/form-data; boundary=\(boundary)")
        request.addHeader("Accept", "application/json")
        if let key = settings.apiKey, !key.isEmpty { request.addHeader("Authorization", "Bearer \(key)") }
        let answer = try await ProviderFailure.send(request, with: client)
        guard let text = answer?["text"]?.stringValue else { throw Failure(kind: .malformedAnswer, message: "the answer has no text") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A `multipart/form-data` body: the fields, then the file.
    static func multipart(boundary: String, fields: [(String, String)], fileName: String, fileType: String, file: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(file.count + 512)
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n".utf8)
            body += Array(value.utf8) + [0x0D, 0x0A]
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: \(fileType)\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }
}
