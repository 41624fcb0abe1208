/// A chat-completions language model (an OpenAI-compatible server in production).
public protocol LanguageModel: Sendable {
    /// Names the model and where it runs, e.g. `openai:gpt-4o-mini`; shown as the answer's provider.
    var identifier: String { get }
    /// One completion of `request`, within the model's own time limit.
    func complete(_ request: CompletionRequest) async throws(LanguageModelError) -> Completion
}

/// One message of a chat-completions conversation.
public struct ChatTurn: Codable, Sendable, Equatable {
    /// `system`, `user` or `assistant`.
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
    public static func system(_ text: String) -> ChatTurn { ChatTurn(role: "system", content: text) }
    public static func user(_ text: String) -> ChatTurn { ChatTurn(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatTurn { ChatTurn(role: "assistant", content: text) }
}

/// What is asked of the model.
public struct CompletionRequest: Sendable, Equatable {
    public var messages: [ChatTurn]
    public var temperature: Double
    /// The most tokens the answer may have.
    public var maximumTokens: Int
    /// Ask for a JSON object (`response_format: {"type": "json_object"}`).
    public var jsonObject: Bool
    public init(messages: [ChatTurn], temperature: Double, maximumTokens: Int = 400, jsonObject: Bool = false) {
        self.messages = messages
        self.temperature = temperature
        self.maximumTokens = maximumTokens
        self.jsonObject = jsonObject
    }
}

/// The model's answer.
public struct Completion: Sendable, Equatable {
    public var text: String
    /// The model the server says answered.
    public var model: String
    /// `stop`, `length`, … as the server reports it.
    public var finishReason: String?
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// HTTP attempts it took (retries on 429 and 5xx included).
    public var attempts: Int
    public init(text: String, model: String, finishReason: String? = nil, promptTokens: Int? = nil, completionTokens: Int? = nil, attempts: Int = 1) {
        self.text = text
        self.model = model
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.attempts = attempts
    }
}

/// Why a model gave no usable answer. Every kind makes the built-in responder answer instead.
public struct LanguageModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The server could not be reached or the connection broke.
        case unreachable
        /// The time limit passed (retries included).
        case timeout
        /// 429 after the retries (or a `Retry-After` longer than the time limit).
        case rateLimited = "rate_limited"
        /// A 5xx after the retries.
        case serverError = "server_error"
        /// Another non-200 answer (bad key, unknown model, context too long).
        case refused
        /// A 200 that is not a chat-completions answer, or an empty one.
        case malformedAnswer = "malformed_answer"
    }

    public var kind: Kind
    public var message: String
    public var status: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
