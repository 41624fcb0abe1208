import Foundation
import HTTPClient
import HTTPServerCore

/// Image description through an OpenAI-compatible `POST /chat/completions` with a vision model (OpenAI's
/// `gpt-4o-mini`, vLLM or llama.cpp servers with a multimodal model): the image travels inline as a `data:`
/// URL of its real type (read from the bytes), the instructions in the system message, the patient's
/// question (if any) only in the user message, temperature 0. 429 and 5xx are tried again; the answer must
/// carry `choices[0].message.content`.
public final class VisionClient: Sendable {
    public struct Settings: Sendable, Equatable {
        public var baseURL: String
        public var model: String
        public var apiKey: String?
        /// `es` or `en`: the language the description is asked in.
        public var language: String
        public var timeout: Duration

        public init(baseURL: String, model: String, apiKey: String? = nil, language: String = "es", timeout: Duration = .seconds(30)) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
            self.language = language
            self.timeout = timeout
        }
    }

    public let settings: Settings
    private let client: HTTPClient

    public init(settings: Settings, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    /// The instructions: describe for a clinic's assistant, read any visible text, no diagnosis.
    var systemPrompt: String {
        settings.language == "en"
            ? "You describe images that patients send to an aesthetic clinic's assistant. In at most four sentences, say what the image "
                + "shows and copy any visible text (prices, promotions, dates) exactly. Describe visible signs neutrally; never diagnose."
            : "Describes imágenes que los pacientes envían al asistente de una clínica estética. En cuatro frases como máximo, di qué "
                + "muestra la imagen y copia exactamente el texto visible (precios, promociones, fechas). Describe los signos visibles de "
                + "forma neutral; nunca diagnostiques."
    }

    /// What `image` shows (already checked by ``MediaInspector``: `info` says its format).
    public func describe(_ image: [UInt8], info: MediaInfo, question: String?) async throws(ProviderFailure) -> String {
        let dataURL = "data:\(info.kind.mimeType);base64," + Data(image).base64EncodedString()
        var parts: [JSONValue] = []
        if let question, !question.isEmpty {
            parts.append(.object(["type": .string("text"), "text": .string(String(question.prefix(1_000)))]))
        } else {
            parts.append(.object(["type": .string("text"), "text": .string(settings.language == "en" ? "Describe this image." : "Describe esta imagen.")]))
        }
        parts.append(.object(["type": .string("image_url"), "image_url": .object(["url": .string(dataURL), "detail": .string("auto")])]))
        let body = JSONValue.object([
            "model": .string(settings.model), "temperature": .number(0), "max_tokens": .number(300),
            "messages": .array([
                .object(["role": .string("system"), "content": .string(systemPrompt)]),
                .object(["role": .string("user"), "content": .array(parts)]),
            ]),
        ])
        var request = HTTPClientRequest(method: "POST", url: settings.baseURL + "/chat/completions", body: body.serialized(),
                                        timeout: settings.timeout, connectTimeout: .seconds(5), maximumResponseBytes: 1 << 20,
                                        retry: ProviderFailure.retryPolicy)
        request.addHeader("Content-Type", "application/json")
        request.addHeader("Accept", "application/json")
        if let key = settings.apiKey, !key.isEmpty { request.addHeader("Authorization", "Bearer \(key)") }
        let answer = try await ProviderFailure.send(request, with: client)
        guard case .array(let choices)? = answer?["choices"], let text = choices.first?["message"]?["content"]?.stringValue,
              !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ProviderFailure(kind: .malformedAnswer, message: "the answer has no choices[0].message.content")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
