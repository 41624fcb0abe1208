import HTTPClient
import HTTPServerCore

/// Why a call to an OpenAI-compatible media provider (transcription, vision) failed.
public struct ProviderFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// 401/403: the key is wrong.
        case unauthorized
        /// 429 after the retries.
        case rateLimited = "rate_limited"
        /// 4xx other than those: the server refused the file or the fields.
        case rejected
        /// 5xx after the retries, no connection, or the time limit.
        case unavailable
        /// A 200 without the expected field.
        case malformedAnswer = "malformed_answer"
    }

    public var kind: Kind
    public var message: String
    /// Worth trying again later (the inbox retries these).
    public var isTransient: Bool { kind == .rateLimited || kind == .unavailable }
    public var description: String { "\(kind.rawValue): \(message)" }

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// The failure a non-2xx answer stands for, quoting the error body's `{"error":{"message"}}` (or `detail`).
    static func answered(_ response: HTTPClientResponse, parsed answer: JSONValue?) -> ProviderFailure {
        let detail = answer?["error"]?["message"]?.stringValue ?? answer?["detail"]?.stringValue
            ?? String(response.text.prefix(160)).trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: Kind = switch response.status {
        case 401, 403: .unauthorized
        case 429: .rateLimited
        case 500...: .unavailable
        default: .rejected
        }
        return ProviderFailure(kind: kind, message: "answered \(response.status) after \(response.attempts) attempt(s): \(detail)")
    }

    /// Sends `request` and returns the parsed JSON answer of a 2xx; anything else is the failure it stands for
    /// (no connection or the time limit: `unavailable`).
    static func send(_ request: HTTPClientRequest, with client: HTTPClient) async throws(ProviderFailure) -> JSONValue? {
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw ProviderFailure(kind: .unavailable, message: error.message)
        }
        let answer = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else { throw .answered(response, parsed: answer) }
        return answer
    }

    /// Retries 429 and 5xx (three attempts, honouring a `Retry-After` of at most 5 s); never a time-out.
    static let retryPolicy = HTTPRetryPolicy(maximumAttempts: 3, initialBackoff: .milliseconds(300), maximumBackoff: .seconds(4),
                                             retryStatuses: [429, 500, 502, 503, 504], retryConnectionFailures: false,
                                             maximumRetryAfter: .seconds(5))
}
