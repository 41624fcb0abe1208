import Foundation

/// `agent/acceptWebhook` request: one Chatwoot delivery exactly as it arrived, for the company its account
/// maps to. The agent service verifies the signature with the company's secret (the gateway never holds
/// it), classifies the event and stores it before answering.
public struct AcceptWebhookRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    /// The Chatwoot account the gateway resolved the company from (empty for the per-company URL without one).
    public var accountID: String
    /// The raw body: the signature is over these bytes.
    public var body: [UInt8]
    /// `X-Chatwoot-Signature` (`sha256=<hex>`).
    public var signature: String?
    /// `X-Chatwoot-Timestamp` (Unix seconds).
    public var timestamp: String?
    /// `X-Chatwoot-Delivery` (not signed: logged, never trusted for de-duplication).
    public var deliveryID: String?

    public init(companyID: CompanyID, accountID: String, body: [UInt8], signature: String? = nil, timestamp: String? = nil,
                deliveryID: String? = nil) {
        self.companyID = companyID
        self.accountID = accountID
        self.body = body
        self.signature = signature
        self.timestamp = timestamp
        self.deliveryID = deliveryID
    }
}

/// `agent/acceptWebhook` response.
public struct AcceptWebhookResponse: Codable, Sendable, Equatable {
    /// `accepted` (stored; it will be processed) or `ignored` (not stored, see `reason`).
    public var status: String
    /// The stored event's id; for a duplicate delivery, the id of the event first stored.
    public var eventID: String?
    public var reason: String?
    public init(status: String, eventID: String? = nil, reason: String? = nil) {
        self.status = status
        self.eventID = eventID
        self.reason = reason
    }
}

/// Where a stored webhook event is in its life.
public enum WebhookEventState: String, Codable, Sendable, CaseIterable, TolerantEnum {
    /// Waiting to be processed (first time, or after a transient failure, at `nextAttemptAt`).
    case pending
    /// Claimed by a worker (back to `pending` when its lease runs out).
    case processing
    /// Processed: answered, or recorded (a status change, a human's reply), or deliberately skipped.
    case done
    /// Given up after too many attempts or a permanent failure: waits for an operator's retry.
    case dead
    case unknown
    public static var unknownCase: WebhookEventState { .unknown }
}

/// One stored webhook event, as the admin listing shows it.
public struct WebhookEventSummary: Codable, Sendable, Equatable {
    public var id: String
    /// `patient_message`, `human_reply`, `status_change`, `conversation_created`.
    public var kind: String
    /// The Chatwoot event name.
    public var event: String
    public var accountID: String
    public var conversationID: Int
    public var messageID: Int?
    public var state: WebhookEventState
    public var attempts: Int
    public var receivedAt: Date
    public var updatedAt: Date
    public var nextAttemptAt: Date?
    /// The last failure, or why a processed event was skipped.
    public var lastError: String?
    /// What processing did (`replied`, `escalated`, `paused`, `skipped: …`).
    public var outcome: String?

    public init(id: String, kind: String, event: String, accountID: String, conversationID: Int, messageID: Int?, state: WebhookEventState,
                attempts: Int, receivedAt: Date, updatedAt: Date, nextAttemptAt: Date?, lastError: String?, outcome: String?) {
        self.id = id
        self.kind = kind
        self.event = event
        self.accountID = accountID
        self.conversationID = conversationID
        self.messageID = messageID
        self.state = state
        self.attempts = attempts
        self.receivedAt = receivedAt
        self.updatedAt = updatedAt
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.outcome = outcome
    }
}

/// `agent/listWebhookEvents` request: one page of a company's stored events, newest first.
public struct ListWebhookEventsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var state: WebhookEventState?
    public var page: Int
    public var pageSize: Int
    public init(companyID: CompanyID, state: WebhookEventState? = nil, page: Int = 1, pageSize: Int = 50) {
        self.companyID = companyID
        self.state = state
        self.page = page
        self.pageSize = pageSize
    }
}

/// `agent/listWebhookEvents` response, with the company's count of events in each state.
public struct WebhookEventPage: Codable, Sendable, Equatable {
    public var total: Int
    public var events: [WebhookEventSummary]
    public var counts: [String: Int]
    public init(total: Int, events: [WebhookEventSummary], counts: [String: Int]) {
        self.total = total
        self.events = events
        self.counts = counts
    }
}

/// `agent/getWebhookEvent` and `agent/retryWebhookEvent` request.
public struct WebhookEventReference: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var eventID: String
    public init(companyID: CompanyID, eventID: String) {
        self.companyID = companyID
        self.eventID = eventID
    }
}

/// `agent/getWebhookEvent` response: the event, its payload with personal data masked, and the replies
/// and API calls its processing made (the outbox).
public struct WebhookEventDetail: Codable, Sendable, Equatable {
    public var summary: WebhookEventSummary
    /// The payload as JSON text, names, e-mail addresses, phone numbers and identifiers masked.
    public var maskedPayload: String
    /// Step (`reply:0`, `status`, `priority`, `labels`, `note`) → `sending` or `sent`.
    public var outbox: [String: String]
    public init(summary: WebhookEventSummary, maskedPayload: String, outbox: [String: String]) {
        self.summary = summary
        self.maskedPayload = maskedPayload
        self.outbox = outbox
    }
}

/// The webhook inbox and processor in numbers, for `/metrics`.
public struct WebhookMetrics: Codable, Sendable, Equatable {
    /// Events per company and state (`pending`, `processing`, `done`, `dead`); a company whose inbox could not
    /// be read is absent.
    public var events: [String: [String: Int]]
    /// Finished attempts since the service started, by outcome: `replied`, `escalated`, `skipped`, `handoff`
    /// (a pause, a resumption or a status recorded), `retry` (a transient failure), `dead` (given up).
    public var attempts: [String: Int]
    /// Chatwoot API calls since the service started, by result (`ok`, `error`).
    public var chatwootCalls: [String: Int]
    /// `sqlite` or `redis`.
    public var store: String

    public init(events: [String: [String: Int]], attempts: [String: Int], chatwootCalls: [String: Int], store: String) {
        self.events = events
        self.attempts = attempts
        self.chatwootCalls = chatwootCalls
        self.store = store
    }
}
