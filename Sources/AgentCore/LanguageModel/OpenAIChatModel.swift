import Foundation
import HTTPClient

/// A ``LanguageModel`` behind an OpenAI-compatible `/chat/completions` endpoint (OpenAI, Ollama, vLLM,
/// llama.cpp's server), on the shared ``HTTPClient``.
///
/// Each call runs under one time limit, retries included. 429 and 5xx answers are tried again (at most
/// ``Settings/maximumAttempts`` attempts), waiting what `Retry-After` asks when that fits in the time limit;
/// a longer `Retry-After` ends the call as `rateLimited` at once, since a patient is waiting. Connection
/// failures are retried too (a completion changes nothing on the server). The answer is checked: a 200
/// without `choices[0].message.content` text is `malformedAnswer`; an error body's
/// `{"error":{"message"}}` is quoted in the error.
public final class OpenAIChatModel: LanguageModel {
    public struct Settings: Sendable, Equatable {
        /// The API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`.
        public var baseURL: String
        public var model: String
        public var apiKey: String?
        /// The whole call, retries included.
        public var timeout: Duration
        public var maximumAttempts: Int
        /// The largest answer body read.
        public var maximumResponseBytes: Int

        public init(baseURL: String, model: String, apiKey: String? = nil, timeout: Duration = .seconds(10), maximumAttempts: Int = 3,
                    maximumResponseBytes: Int = 1 << 20) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
            self.timeout = timeout
            self.maximumAttempts = min(max(1, maximumAttempts), 5)
            self.maximumResponseBytes = maximumResponseBytes
        }
    }

    public let settings: Settings
    private let client: HTTPClient

    public init(settings: Settings, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    public var identifier: String { "openai:\(settings.model)" }

    struct RequestBody: Encodable {
        struct ResponseFormat: Encodable { var type: String }
        var model: String
        var messages: [ChatTurn]
        var temperature: Double
        var maxTokens: Int
        var stream = false
        var responseFormat: ResponseFormat?
        enum CodingKeys: String, CodingKey { case model, messages, temperature, maxTokens = "max_tokens", stream, responseFormat = "response_format" }
    }

    struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message?
            var finishReason: String?
            enum CodingKeys: String, CodingKey { case message, finishReason = "finish_reason" }
        }
        struct Usage: Decodable {
            var promptTokens: Int?
            var completionTokens: Int?
            enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens", completionTokens = "completion_tokens" }
        }
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    public func complete(_ request: CompletionRequest) async throws(LanguageModelError) -> Completion {
        let body = RequestBody(model: settings.model, messages: request.messages, temperature: request.temperature, maxTokens: request.maximumTokens,
                               responseFormat: request.jsonObject ? .init(type: "json_object") : nil)
        guard let payload = try? JSONEncoder().encode(body) else { throw LanguageModelError(.malformedAnswer, "cannot encode the request") }
        var http = HTTPClientRequest(method: "POST", url: settings.baseURL + "/chat/completions", body: [UInt8](payload), timeout: settings.timeout,
                                     connectTimeout: min(settings.timeout, .seconds(3)), maximumResponseBytes: settings.maximumResponseBytes,
                                     retry: HTTPRetryPolicy(maximumAttempts: settings.maximumAttempts, initialBackoff: .milliseconds(100),
                                                            maximumBackoff: .seconds(1), maximumRetryAfter: settings.timeout))
        http.addHeader("Content-Type", "application/json")
        http.addHeader("Accept", "application/json")
        if let key = settings.apiKey, !key.isEmpty { http.addHeader("Authorization", "Bearer \(key)") }
        let response = try await withinTimeLimit(http)
        guard response.status == 200 else { throw Self.error(for: response) }
        guard let decoded = try? JSONDecoder().decode(ResponseBody.self, from: Data(response.body)) else {
            throw LanguageModelError(.malformedAnswer, "the answer is not chat-completions JSON: \(String(response.text.prefix(120)))", status: 200)
        }
        guard let choice = decoded.choices.first, let text = choice.message?.content?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw LanguageModelError(.malformedAnswer, "the answer has no message content", status: 200)
        }
        return Completion(text: text, model: decoded.model ?? settings.model, finishReason: choice.finishReason,
                          promptTokens: decoded.usage?.promptTokens, completionTokens: decoded.usage?.completionTokens, attempts: response.attempts)
    }

    /// The request with its retries, abandoned (and its transfer cancelled) when the time limit passes.
    private func withinTimeLimit(_ request: HTTPClientRequest) async throws(LanguageModelError) -> HTTPClientResponse {
        let client = self.client, limit = settings.timeout
        let outcome: Result<HTTPClientResponse, LanguageModelError> = await withTaskGroup(of: Result<HTTPClientResponse, LanguageModelError>?.self) { group in
            group.addTask {
                do throws(HTTPClientError) {
                    return .success(try await client.execute(request))
                } catch {
                    switch error.kind {
                    case .timeout: return .failure(LanguageModelError(.timeout, "no answer within \(limit)"))
                    case .cancelled: return nil
                    default: return .failure(LanguageModelError(.unreachable, error.message, status: error.status))
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return Task.isCancelled ? nil : .failure(LanguageModelError(.timeout, "no answer within \(limit)"))
            }
            var result: Result<HTTPClientResponse, LanguageModelError> = .failure(LanguageModelError(.timeout, "no answer within \(limit)"))
            for await next in group {
                if let next {
                    result = next
                    break
                }
            }
            group.cancelAll()
            return result
        }
        return try outcome.get()
    }

    /// The error an unsuccessful answer stands for, with the server's own message when it gave one.
    static func error(for response: HTTPClientResponse) -> LanguageModelError {
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let message = (object?["error"] as? [String: Any])?["message"] as? String ?? object?["error"] as? String
            ?? object?["detail"] as? String ?? String(response.text.prefix(160))
        let kind: LanguageModelError.Kind = response.status == 429 ? .rateLimited : response.status >= 500 ? .serverError : .refused
        return LanguageModelError(kind, "the model server answered \(response.status): \(message)", status: response.status)
    }
}
