import Foundation
import TenantStorage
import Wire

/// A webhook event as the inbox keeps it: what the payload means, the raw payload, and its progress.
public struct InboxEvent: Sendable, Equatable {
    public var id: String
    public var companyID: CompanyID
    public var event: ChatwootEvent
    public var state: WebhookEventState
    public var attempts: Int
    public var receivedAt: Date
    public var updatedAt: Date
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var outcome: String?
    /// The payload exactly as received (for the admin view, masked there).
    public var body: [UInt8]
    /// Read with the claim when the store can do it in the same transaction (SQLite), so processing needs no
    /// other read: the event's outbox and its conversation's handoff state; nil otherwise (read when needed).
    public var claimed: ClaimedState?

    public var summary: WebhookEventSummary {
        WebhookEventSummary(id: id, kind: event.kind.rawValue, event: event.event, accountID: event.accountID, conversationID: event.conversationID,
                            messageID: event.messageID, state: state, attempts: attempts, receivedAt: receivedAt, updatedAt: updatedAt,
                            nextAttemptAt: state == .pending ? nextAttemptAt : nil, lastError: lastError, outcome: outcome)
    }
}

/// What a claim reads for its event besides the event itself.
public struct ClaimedState: Sendable, Equatable {
    public var outbox: [String: OutboxStep]
    public var conversation: ChatwootConversationState
    public init(outbox: [String: OutboxStep], conversation: ChatwootConversationState) {
        self.outbox = outbox
        self.conversation = conversation
    }
}

/// What became of an accepted delivery.
public enum InboxAcceptance: Sendable, Equatable {
    /// Stored now, under this id.
    case stored(String)
    /// The same event was stored before (a repeated delivery), under this id; nothing was written.
    case duplicate(String)
}

/// One step of an event's processing that talks to Chatwoot, as the outbox records it. A step is written
/// as `sending` before the call and `sent` after it, so a retry after a crash skips what Chatwoot already has.
public struct OutboxStep: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case sending, sent
    }
    public var state: State
    /// The step's content: the reply text, the note, the answer the engine gave (so a retry does not ask again).
    public var payload: String?
    /// Who marked it `sending`: the ``SendJournal/writerToken`` that can later tell whether its request left.
    public var writer: String?
    public init(state: State, payload: String?, writer: String? = nil) {
        self.state = state
        self.payload = payload
        self.writer = writer
    }
}

/// The bot's view of one Chatwoot conversation: its last known status and whether a person has taken it.
public struct ChatwootConversationState: Sendable, Equatable {
    public var status: String?
    /// A human agent replied; the bot stays out until the status returns to a bot-active one.
    public var humanActive: Bool
    public init(status: String? = nil, humanActive: Bool = false) {
        self.status = status
        self.humanActive = humanActive
    }
}

/// Why the inbox could not do what was asked (its database or server failed).
public struct WebhookInboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The durable inbox of Chatwoot webhook events, with their outbox and the conversations' handoff state.
///
/// Every per-company operation takes the company's ``TenantScope``; ``claim(limit:lease:at:)`` is the one
/// service-wide read: the queue the processor works through, each event tagged with its company. Events
/// of one conversation are claimed one at a time in arrival order; a failed one holds the conversation
/// until it succeeds or is given up.
public protocol WebhookInbox: Sendable {
    /// Stores an event unless one with its de-duplication key is already there (atomically).
    func accept(_ event: ChatwootEvent, body: [UInt8], at time: Date, in scope: TenantScope) async throws(WebhookInboxError) -> InboxAcceptance

    /// Up to `limit` due events, each the oldest unfinished one of its conversation, leased for `lease`
    /// (an event whose lease ran out, its worker gone, is due again), with its ``ClaimedState`` when the
    /// store reads it in the claim.
    func claim(limit: Int, lease: Duration, at time: Date) async throws(WebhookInboxError) -> [InboxEvent]

    /// Makes the events this instance had claimed when it last stopped due again at once (their workers are
    /// gone: a crash or a restart), instead of waiting for their leases to run out; returns how many.
    func releaseOrphanedClaims(at time: Date) async throws(WebhookInboxError) -> Int

    /// Marks a claimed event processed. With `attempt` (the claim's ``InboxEvent/attempts``) only while that
    /// claim still holds it: a worker whose lease ran out and whose event another worker claimed changes nothing.
    func complete(_ id: String, attempt: Int?, outcome: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError)

    /// Records a failed attempt: due again at `retryAt`, or dead when it is nil (fenced by `attempt` as above).
    func fail(_ id: String, attempt: Int?, error: String, retryAt: Date?, at time: Date, in scope: TenantScope) async throws(WebhookInboxError)

    /// Marks dead an event whose company is gone or unusable (no scope can be made for it).
    func abandon(_ id: String, companyID: CompanyID, reason: String, at time: Date) async throws(WebhookInboxError)

    func outbox(_ eventID: String, in scope: TenantScope) async throws(WebhookInboxError) -> [String: OutboxStep]
    /// Records steps of an event's outbox, all at once (one transaction, one command).
    func recordOutbox(_ eventID: String, steps: [(name: String, step: OutboxStep)], at time: Date, in scope: TenantScope) async throws(WebhookInboxError)
    /// Forgets a step whose call certainly had no effect, so the next attempt makes it again.
    func clearOutbox(_ eventID: String, step: String, in scope: TenantScope) async throws(WebhookInboxError)

    func conversationState(account: String, conversation: Int, in scope: TenantScope) async throws(WebhookInboxError) -> ChatwootConversationState
    func setConversationState(_ state: ChatwootConversationState, account: String, conversation: Int, at time: Date,
                              in scope: TenantScope) async throws(WebhookInboxError)

    /// A page of the company's events, newest first, and how many match.
    func list(state: WebhookEventState?, offset: Int, limit: Int, in scope: TenantScope) async throws(WebhookInboxError) -> (total: Int, events: [InboxEvent])
    /// The company's events in each state.
    func counts(in scope: TenantScope) async throws(WebhookInboxError) -> [WebhookEventState: Int]
    func event(_ id: String, in scope: TenantScope) async throws(WebhookInboxError) -> InboxEvent?
    /// Puts a dead or pending event back in line, attempts reset; nil when there is no such event, the
    /// event unchanged when it cannot be retried (done, or being processed).
    func retry(_ id: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) -> InboxEvent?

    /// Erases the company's events, outbox and conversation states; returns how many events there were.
    func purge(_ scope: TenantScope) async throws(WebhookInboxError) -> Int
    /// The company's events from one patient (their `user_id`), newest first, at most `limit`.
    func events(ofUser userID: String, limit: Int, in scope: TenantScope) async throws(WebhookInboxError) -> [InboxEvent]
    /// Erases the patient's events with their outbox, except those a worker is answering right now (claimed,
    /// lease running: their worker would write the conversation again); returns how many were erased and how
    /// many were left for that reason. The de-duplication records stay (they hold no personal data), so a late
    /// redelivery is still recognised: an erased event is gone, or a `done` tombstone with outcome `erased`
    /// and no user, text or payload.
    func erase(userID: String, at now: Date, in scope: TenantScope) async throws(WebhookInboxError) -> (erased: Int, busy: Int)
    /// The privacy retention: deletes the company's finished events (done or dead) received before `cutoff`,
    /// with their outbox; returns how many.
    func removeFinished(before cutoff: Date, in scope: TenantScope) async throws(WebhookInboxError) -> Int
}

extension WebhookInbox {
    /// Marks an event processed, whoever holds it (operators, tests).
    public func complete(_ id: String, outcome: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        try await complete(id, attempt: nil, outcome: outcome, at: time, in: scope)
    }

    /// Records a failed attempt, whoever holds the event.
    public func fail(_ id: String, error: String, retryAt: Date?, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        try await fail(id, attempt: nil, error: error, retryAt: retryAt, at: time, in: scope)
    }

    /// Records one step of an event's outbox.
    public func recordOutbox(_ eventID: String, step: String, _ value: OutboxStep, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        try await recordOutbox(eventID, steps: [(step, value)], at: time, in: scope)
    }
}
