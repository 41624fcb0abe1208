import Foundation
import HTTPClient
import HTTPServerCore

/// Where and as whom a company talks to Chatwoot: its base URL, account and API access token (the
/// agent-bot's token, so replies are authored by the bot and `pending → open` is a bot handoff).
public struct ChatwootAccount: Sendable, Equatable {
    public var baseURL: String
    public var accountID: String
    public var token: String
    public init(baseURL: String, accountID: String, token: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountID = accountID
        self.token = token
    }
}

/// The Chatwoot Application API calls the bot makes, on the shared ``HTTPClient``: create a message (a reply,
/// or a private note), set a conversation's status and priority, add labels.
///
/// The token travels in the `Api-Access-Token` header (the hyphen form: proxies drop underscore headers) and
/// is never logged or put in an error. 429 and 5xx answers are tried again with exponential backoff (Chatwoot's
/// 429 carries no `Retry-After`); a connection failure or a timeout is not, since the request may have
/// reached Chatwoot: the caller's outbox decides. Long replies are split at sentence boundaries under
/// ``maximumMessageLength``.
public final class ChatwootClient: Sendable {
    /// The longest message sent as one (Instagram's limit is 1,000 characters, WhatsApp's 4,096).
    public static let maximumMessageLength = 1_000

    let client: HTTPClient
    let timeout: Duration
    let retry: HTTPRetryPolicy

    public init(client: HTTPClient, timeout: Duration = .seconds(10), maximumAttempts: Int = 4, initialBackoff: Duration = .milliseconds(500)) {
        self.client = client
        self.timeout = timeout
        retry = HTTPRetryPolicy(maximumAttempts: maximumAttempts, initialBackoff: initialBackoff, maximumBackoff: .seconds(8),
                                retryStatuses: [429, 500, 502, 503, 504], retryConnectionFailures: false, maximumRetryAfter: .seconds(10))
        creationRetry = HTTPRetryPolicy(maximumAttempts: maximumAttempts, initialBackoff: initialBackoff, maximumBackoff: .seconds(8),
                                        retryStatuses: [429, 503], retryConnectionFailures: false, maximumRetryAfter: .seconds(10))
    }

    /// For calls that create something (a message): only answers that say nothing was done (429, 503) are
    /// tried again; a 500, 502 or 504 may come after Chatwoot saved the message.
    let creationRetry: HTTPRetryPolicy

    /// Posts `content` to the conversation (`private: true` makes it an internal note); returns the message id.
    /// `inReplyTo` threads it to the patient's message it answers (`content_attributes.in_reply_to`).
    @discardableResult
    public func createMessage(_ content: String, conversation: Int, isPrivate: Bool = false, inReplyTo: Int? = nil,
                              on account: ChatwootAccount, willSend: (@Sendable () -> Bool)? = nil) async throws(ChatwootError) -> Int? {
        var body: [String: JSONValue] = ["content": .string(content), "message_type": .string("outgoing"), "private": .bool(isPrivate),
                                         "content_type": .string("text")]
        if let inReplyTo { body["content_attributes"] = .object(["in_reply_to": .number(Double(inReplyTo))]) }
        let answer = try await call("POST", "conversations/\(conversation)/messages", body, creates: true, on: account, willSend: willSend)
        return answer["id"]?.integerValue
    }

    /// Sets the conversation's status (`open`, `pending`, `resolved`, `snoozed`).
    public func setStatus(_ status: String, conversation: Int, on account: ChatwootAccount,
                          willSend: (@Sendable () -> Bool)? = nil) async throws(ChatwootError) {
        _ = try await call("POST", "conversations/\(conversation)/toggle_status", ["status": .string(status)], on: account, willSend: willSend)
    }

    /// Sets the conversation's priority (`urgent`, `high`, `medium`, `low`, or none).
    public func setPriority(_ priority: String, conversation: Int, on account: ChatwootAccount,
                          willSend: (@Sendable () -> Bool)? = nil) async throws(ChatwootError) {
        _ = try await call("POST", "conversations/\(conversation)/toggle_priority", ["priority": .string(priority)], on: account, willSend: willSend)
    }

    /// Adds labels to the conversation.
    public func addLabels(_ labels: [String], conversation: Int, on account: ChatwootAccount,
                          willSend: (@Sendable () -> Bool)? = nil) async throws(ChatwootError) {
        _ = try await call("POST", "conversations/\(conversation)/labels", ["labels": .array(labels.map { .string($0) })], on: account, willSend: willSend)
    }

    /// `text` in parts of at most `limit` characters, cut after a sentence end (`.`, `!`, `?`, a line break)
    /// when there is one in the part's second half, else after a space, else at the limit.
    public static func parts(of text: String, limit: Int = maximumMessageLength) -> [String] {
        var parts: [String] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        while rest.count > limit {
            let window = rest.prefix(limit)
            let half = window.index(window.startIndex, offsetBy: limit / 2)
            let cut = window[half...].lastIndex { ".!?\n".contains($0) }.map { window.index(after: $0) }
                ?? window[half...].lastIndex(of: " ").map { window.index(after: $0) } ?? window.endIndex
            parts.append(String(rest[..<cut]).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[cut...].drop { $0.isWhitespace }
        }
        if !rest.isEmpty { parts.append(String(rest)) }
        return parts.filter { !$0.isEmpty }
    }

    /// The conversation's latest messages (Chatwoot's messages index: the last 20, oldest first). Readable with
    /// a user's access token; an agent bot's token gets 401 or 404 here (``ChatwootError/Kind/unauthorized``,
    /// ``ChatwootError/Kind/notFound``).
    public func recentMessages(conversation: Int, on account: ChatwootAccount) async throws(ChatwootError) -> [ChatwootMessage] {
        let answer = try await call("GET", "conversations/\(conversation)/messages", nil, on: account)
        guard case .array(let items)? = answer["payload"] else { return [] }
        return items.compactMap(ChatwootMessage.init)
    }

    /// One API call with a JSON body (the project's own parser and serializer, not Foundation's bridging);
    /// the answer's JSON object. `willSend` is the HTTP client's pre-request callback (see
    /// ``HTTPClientRequest/willSend``).
    /// `creates`: the call creates something, so only 429 and 503 are retried and another 5xx may have taken effect.
    func call(_ method: String, _ path: String, _ body: [String: JSONValue]?, creates: Bool = false, on account: ChatwootAccount,
              willSend: (@Sendable () -> Bool)? = nil) async throws(ChatwootError) -> [String: JSONValue] {
        guard !account.baseURL.isEmpty, !account.token.isEmpty else { throw ChatwootError(.notConfigured, "the company has no Chatwoot base URL or token") }
        let payload = body.map { JSONValue.object($0).serialized() } ?? []
        let url = "\(account.baseURL)/api/v1/accounts/\(account.accountID)/\(path)"
        var request = HTTPClientRequest(method: method, url: url, body: payload, timeout: timeout, connectTimeout: min(timeout, .seconds(3)),
                                        maximumResponseBytes: 1 << 20, retry: creates ? creationRetry : retry)
        if body != nil { request.addHeader("Content-Type", "application/json") }
        request.addHeader("Accept", "application/json")
        request.addHeader("Api-Access-Token", account.token)
        request.willSend = willSend
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw ChatwootError(.unreachable, "\(path): \(error.message)", status: error.status, mayHaveTakenEffect: error.requestSent)
        }
        let object = (try? JSONParser.parse(response.body))?.objectValue
        guard (200..<300).contains(response.status) else {
            let detail = object?["error"]?.stringValue ?? object?["message"]?.stringValue ?? Self.firstString(object?["errors"])
                ?? String(response.text.prefix(120)).trimmingCharacters(in: .whitespacesAndNewlines)
            let kind: ChatwootError.Kind = switch response.status {
            case 401: .unauthorized
            case 404: .notFound
            case 429: .rateLimited
            case 500...: .serverError
            default: .rejected
            }
            throw ChatwootError(kind, "\(path) answered \(response.status) after \(response.attempts) attempt(s): \(detail)", status: response.status,
                                mayHaveTakenEffect: creates && response.status >= 500 && response.status != 503)
        }
        return object ?? [:]
    }
}

extension ChatwootClient {
    /// The first element of a JSON array, when it is a string (Chatwoot's `errors`).
    static func firstString(_ value: JSONValue?) -> String? {
        guard case .array(let items)? = value else { return nil }
        return items.first?.stringValue
    }
}

/// A message as Chatwoot's messages index returns it (the fields the bot reads).
public struct ChatwootMessage: Sendable, Equatable {
    public var id: Int
    public var content: String
    /// Sent by the account (an agent or a bot), not by the contact.
    public var isOutgoing: Bool
    public var isPrivate: Bool
    /// `content_attributes.in_reply_to`: the message it answers.
    public var inReplyTo: Int?

    init?(_ value: JSONValue) {
        guard let id = value["id"]?.integerValue else { return nil }
        self.id = id
        content = value["content"]?.stringValue ?? ""
        // The index encodes message_type as a number (1 outgoing); accept the name too.
        isOutgoing = value["message_type"]?.integerValue == 1 || value["message_type"]?.stringValue == "outgoing"
        isPrivate = value["private"]?.boolValue ?? false
        inReplyTo = value["content_attributes"]?["in_reply_to"]?.integerValue
    }
}
