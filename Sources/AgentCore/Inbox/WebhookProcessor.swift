import Foundation
import Synchronization
import ServiceLogging
import TenantStorage
import Wire
import WireRPC

/// Works through the webhook inbox: answers patients' messages through each company's Chatwoot account,
/// follows the handoff between the bot and the team, and delivers escalations.
///
/// Events of one conversation are handled one at a time in arrival order (the inbox's claim sees to it),
/// several conversations at once (``Policy/concurrency`` workers). Every Chatwoot call is an outbox step,
/// recorded `sending` before the call and `sent` after it, and the engine's answer is recorded before the
/// first call; an attempt after a crash or a failure reuses the answer and skips the steps Chatwoot
/// already has. A call that failed without effect (an error answer, no connection) is forgotten and made
/// again. A step left `sending` (a timeout after sending, or a crash mid-call) is settled by the
/// ``SendJournal``, written by the HTTP client right before the request's bytes leave: made again when its
/// request never left, taken as delivered when it did or when no journal can tell, so a reply is never sent
/// twice. Transient failures are retried with exponential backoff; after
/// ``Policy/maximumAttempts`` attempts, or at once for a permanent failure (a refused token, an unknown
/// conversation, a company without Chatwoot settings), the event is dead until an operator retries it.
public final class WebhookProcessor: Sendable {
    public struct Policy: Sendable {
        public var concurrency: Int
        public var maximumAttempts: Int
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// How long a claimed event is a worker's; a worker that dies leaves it to be claimed again after this.
        public var lease: Duration
        /// How long an idle worker waits before it looks again (events due for a retry are found this way).
        public var idleWait: Duration
        public init(concurrency: Int = 8, maximumAttempts: Int = 8, initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(300),
                    lease: Duration = .seconds(120), idleWait: Duration = .milliseconds(500)) {
            self.concurrency = concurrency
            self.maximumAttempts = maximumAttempts
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.lease = lease
            self.idleWait = idleWait
        }
    }

    /// Why one attempt failed, and whether another can help.
    struct Failure: Error {
        var message: String
        var transient: Bool
    }

    /// The answer the engine gave for an event, kept in the outbox so a retry sends the same one.
    struct StoredAnswer: Codable {
        var reply: String
        var escalation: EscalationRecord?
    }

    let inbox: any WebhookInbox
    let engine: ConversationEngine
    /// Reads a message's voice notes and images (nil: a message with attachments cannot be answered).
    let attachments: AttachmentComposer?
    let chatwoot: ChatwootClient
    /// Which calls' requests left this replica (settles steps a crash left ambiguous).
    let journal: SendJournal
    /// What the configuration says of an event's company.
    public enum CompanyLookup: Sendable {
        case found(Company)
        /// No such company (deleted): its events are dead letters.
        case gone
        /// The configuration cannot be read now: the event waits (its lease runs out and it comes back).
        case unavailable
    }

    /// The company of an event.
    let company: @Sendable (CompanyID) async -> CompanyLookup
    /// The company's Chatwoot API token.
    let token: @Sendable (CompanyID) async throws(RPCError) -> String?
    let policy: Policy
    let logger: Logger
    let clock: @Sendable () -> Date
    let wake = WakeSignal()
    /// Finished attempts by outcome, and Chatwoot calls by result, since the service started.
    private let counters = Mutex<(attempts: [String: Int], chatwootCalls: [String: Int])>(([:], [:]))

    /// The counters for `/metrics` (``WebhookMetrics/attempts`` and ``WebhookMetrics/chatwootCalls``).
    public var metrics: (attempts: [String: Int], chatwootCalls: [String: Int]) { counters.withLock { $0 } }

    func count(attempt outcome: String) { counters.withLock { $0.attempts[outcome, default: 0] += 1 } }
    func count(chatwootCall result: String) { counters.withLock { $0.chatwootCalls[result, default: 0] += 1 } }

    /// The metrics label of a finished attempt's outcome.
    static func label(ofOutcome outcome: String) -> String {
        if outcome.hasPrefix("replied and escalated") { return "escalated" }
        if outcome.hasPrefix("replied") { return "replied" }
        if outcome.hasPrefix("skipped") { return "skipped" }
        return "handoff"
    }

    public init(inbox: any WebhookInbox, engine: ConversationEngine, chatwoot: ChatwootClient, journal: SendJournal, company: @escaping @Sendable (CompanyID) async -> CompanyLookup,
                token: @escaping @Sendable (CompanyID) async throws(RPCError) -> String?, attachments: AttachmentComposer? = nil,
                policy: Policy = Policy(), logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.attachments = attachments
        self.inbox = inbox
        self.engine = engine
        self.chatwoot = chatwoot
        self.journal = journal
        self.company = company
        self.token = token
        self.policy = policy
        self.logger = logger
        self.clock = clock
    }

    /// Wakes the idle workers (an event was stored).
    public func notify() { wake.signal() }

    /// Runs the workers until the task is cancelled.
    public func run() async {
        do {
            let released = try await inbox.releaseOrphanedClaims(at: clock())
            if released > 0 { logger.warning("[inbox] \(released) event(s) were being processed when the service stopped; processing them again") }
        } catch {
            logger.warning("[inbox] cannot release the previous run's claims (their leases will run out): \(error.message)")
        }
        await withDiscardingTaskGroup { group in
            for _ in 0..<max(1, policy.concurrency) {
                group.addTask { await self.work() }
            }
        }
    }

    func work() async {
        while !Task.isCancelled {
            let generation = wake.generation
            let claimed: [InboxEvent]
            do {
                claimed = try await inbox.claim(limit: 1, lease: policy.lease, at: clock())
            } catch {
                // The database is failing: back off instead of spinning (a new event does not make it work again).
                logger.warning("[inbox] cannot claim events: \(error.message)")
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let event = claimed.first else {
                await wake.wait(after: generation, timeout: policy.idleWait)
                continue
            }
            await process(event)
        }
    }

    /// One attempt at one claimed event; records its outcome in the inbox.
    public func process(_ event: InboxEvent) async {
        let lookup = await company(event.companyID)
        if case .unavailable = lookup {
            logger.warning("[\(event.companyID)] [inbox] event \(event.id) waits: the company configuration cannot be read now")
            return
        }
        guard case .found(let company) = lookup, company.isActive, let scope = try? TenantScope(company: company) else {
            try? await inbox.abandon(event.id, companyID: event.companyID, reason: "the company is gone or inactive", at: clock())
            return
        }
        do throws(Failure) {
            let outcome = try await handleWithinLease(event, company: company, scope: scope)
            count(attempt: Self.label(ofOutcome: outcome))
            do {
                try await inbox.complete(event.id, attempt: event.attempts, outcome: outcome, at: clock(), in: scope)
            } catch {
                // The lease runs out and the event comes back; its outbox makes the next attempt a no-op for Chatwoot.
                logger.warning("[\(company.id)] [inbox] event \(event.id) done but not recorded: \(error.message)")
            }
        } catch {
            let now = clock()
            let retryAt = error.transient && event.attempts < policy.maximumAttempts ? now.addingTimeInterval(backoff(after: event.attempts)) : nil
            count(attempt: retryAt == nil ? "dead" : "retry")
            if retryAt == nil {
                logger.error("[\(company.id)] [inbox] event \(event.id) given up after \(event.attempts) attempt(s): \(error.message)")
            } else {
                logger.warning("[\(company.id)] [inbox] event \(event.id) attempt \(event.attempts) failed: \(error.message); retrying")
            }
            try? await inbox.fail(event.id, attempt: event.attempts, error: error.message, retryAt: retryAt, at: now, in: scope)
        }
    }

    /// One attempt, cancelled when it would outlive half its lease: the event cannot be claimed by another
    /// worker while this one may still be sending (the cancelled call is settled like any interrupted one).
    func handleWithinLease(_ event: InboxEvent, company: Company, scope: TenantScope) async throws(Failure) -> String {
        let limit = policy.lease / 2
        let result = await withTaskGroup(of: Result<String, Failure>?.self) { group -> Result<String, Failure>? in
            group.addTask {
                do throws(Failure) {
                    return .success(try await self.handle(event, company: company, scope: scope))
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let result else {
            throw Failure(message: "the attempt took longer than \(Int(Self.seconds(limit))) s (half the lease) and was stopped", transient: true)
        }
        return try result.get()
    }

    /// Seconds before attempt `attempts + 1`: doubling from the initial backoff up to the maximum, ±20 %.
    func backoff(after attempts: Int) -> TimeInterval {
        let initial = Self.seconds(policy.initialBackoff), maximum = Self.seconds(policy.maximumBackoff)
        let base = min(maximum, initial * pow(2, Double(max(0, attempts - 1))))
        return base * Double.random(in: 0.8...1.2)
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    func handle(_ event: InboxEvent, company: Company, scope: TenantScope) async throws(Failure) -> String {
        let settings = company.chatwoot ?? ChatwootSettings()
        let chatwootEvent = event.event
        var conversation: ChatwootConversationState
        if let claimed = event.claimed {
            conversation = claimed.conversation
        } else {
            conversation = try await attempt { () throws(WebhookInboxError) in
                try await inbox.conversationState(account: chatwootEvent.accountID, conversation: chatwootEvent.conversationID, in: scope)
            }
        }
        let previous = conversation
        if let status = chatwootEvent.status { conversation.status = status }
        let botActiveStatus = conversation.status.map(settings.effectiveBotActiveStatuses.contains) ?? true
        let outcome: String
        switch chatwootEvent.kind {
        case .humanReply:
            conversation.humanActive = true
            outcome = "paused: a person replied"
        case .statusChange, .conversationCreated:
            if botActiveStatus && conversation.humanActive {
                conversation.humanActive = false
                outcome = "resumed: status \(conversation.status ?? "?") is bot-active"
            } else {
                outcome = "status \(conversation.status ?? "?") recorded"
            }
        case .patientMessage:
            if conversation.humanActive {
                outcome = "skipped: a person has the conversation"
            } else if !botActiveStatus {
                outcome = "skipped: status \(conversation.status ?? "?") is not bot-active"
            } else {
                outcome = try await answer(event, company: company, settings: settings, scope: scope, conversation: &conversation)
            }
        }
        if conversation != previous {
            let state = conversation
            try await attempt { () throws(WebhookInboxError) in
                try await inbox.setConversationState(state, account: chatwootEvent.accountID, conversation: chatwootEvent.conversationID, at: clock(), in: scope)
            }
        }
        // The memory's bot switch follows the handoff (a person took over, or a status handed back to the bot),
        // so the REST views and the engine agree with Chatwoot.
        let handoffChanged = conversation.humanActive != previous.humanActive
        let handedBack = botActiveStatus && (chatwootEvent.kind == .statusChange || chatwootEvent.kind == .conversationCreated)
        if let userID = chatwootEvent.userID, handoffChanged || handedBack {
            try await syncMemory(userID: userID, botActive: !conversation.humanActive && botActiveStatus, company: company, scope: scope)
        }
        return outcome
    }

    /// Answers a patient's message: the engine's answer (once), the reply's parts, then any escalation.
    func answer(_ event: InboxEvent, company: Company, settings: ChatwootSettings, scope: TenantScope,
                conversation: inout ChatwootConversationState) async throws(Failure) -> String {
        let chatwootEvent = event.event
        guard let baseURL = settings.baseURL, !baseURL.isEmpty else {
            throw Failure(message: "company '\(company.id)' has no Chatwoot base URL", transient: false)
        }
        let token: String
        do {
            token = try await self.token(company.id) ?? ""
        } catch {
            throw Failure(message: "cannot read the company's Chatwoot token: \(error.message)", transient: true)
        }
        guard !token.isEmpty else { throw Failure(message: "company '\(company.id)' has no Chatwoot API access token", transient: false) }
        let account = ChatwootAccount(baseURL: baseURL, accountID: chatwootEvent.accountID, token: token)
        guard let userID = chatwootEvent.userID, let content = chatwootEvent.content else {
            throw Failure(message: "the stored message has no contact or text", transient: false)
        }
        var outbox = event.claimed?.outbox ?? [:]
        if event.claimed == nil { outbox = try await attempt { () throws(WebhookInboxError) in try await inbox.outbox(event.id, in: scope) } }
        let run = OutboxRun(event: event, scope: scope, account: account, outbox: outbox)
        let stored: StoredAnswer
        if let saved = outbox["answer"]?.payload.flatMap({ try? JSONDecoder().decode(StoredAnswer.self, from: Data($0.utf8)) }) {
            stored = saved
        } else {
            // A message with attachments: what they say joins the typed text (worked out once, kept in the outbox).
            var message = ComposedMessage(text: content, notices: [])
            let attached = ChatwootAttachment.all(in: event.body)
            if let saved = outbox["media"]?.payload.flatMap({ try? JSONDecoder().decode(ComposedMessage.self, from: Data($0.utf8)) }) {
                message = saved
            } else if !attached.isEmpty {
                guard let attachments else {
                    throw Failure(message: "the message has attachments but this agent service has no media service", transient: false)
                }
                switch await attachments.compose(typed: content, attachments: attached, company: company,
                                                 lastAttempt: event.attempts >= policy.maximumAttempts) {
                case .transient(let reason): throw Failure(message: "attachments: \(reason)", transient: true)
                case .composed(let composed): message = composed
                }
                let payload = (try? JSONEncoder().encode(message)).map { String(decoding: $0, as: UTF8.self) }
                try await record(run, ("media", OutboxStep(state: .sent, payload: payload)))
            }
            if let earlier = await answerOfAnEarlierAttempt(event, content: message.text, userID: userID, scope: scope) {
                stored = StoredAnswer(reply: (message.notices + [earlier.reply]).joined(separator: "\n\n"), escalation: earlier.escalation)
            } else if message.text.isEmpty {
                // Nothing the agents can answer (a video alone): the notes are the reply.
                stored = StoredAnswer(reply: message.notices.joined(separator: "\n\n"), escalation: nil)
            } else {
                let chat: ChatAnswer
                do {
                    chat = try await engine.handle(ChatRequest(companyID: company.id, userID: userID, message: message.text), company: company, scope: scope)
                } catch {
                    throw Failure(message: "conversation memory: \(error.message)", transient: true)
                }
                stored = StoredAnswer(reply: (message.notices + [chat.reply]).joined(separator: "\n\n"), escalation: chat.escalation)
            }
            let payload = (try? JSONEncoder().encode(stored)).map { String(decoding: $0, as: UTF8.self) }
            // Written with the first step's `sending` (one write instead of two).
            run.deferred.append(("answer", OutboxStep(state: .sent, payload: payload)))
        }
        let conversationID = chatwootEvent.conversationID
        let parts = ChatwootClient.parts(of: stored.reply)
        for (index, part) in parts.enumerated() {
            let answered = chatwootEvent.messageID
            let effect = StepEffect.message { $0.isOutgoing && !$0.isPrivate && $0.content == part && ($0.inReplyTo == nil || $0.inReplyTo == answered) }
            try await step("reply:\(index)", payload: part, effect: effect, run: run, isLast: index == parts.count - 1 && stored.escalation == nil) {
                (willSend) throws(ChatwootError) in
                _ = try await chatwoot.createMessage(part, conversation: conversationID, inReplyTo: chatwootEvent.messageID, on: account, willSend: willSend)
            }
        }
        guard let escalation = stored.escalation else { return "replied" }
        let status = settings.effectiveHumanStatus
        let label = escalation.reason == "emergency" ? "emergencia" : "humano"
        try await step("status", payload: status, effect: .idempotent, run: run) { (willSend) throws(ChatwootError) in
            try await chatwoot.setStatus(status, conversation: conversationID, on: account, willSend: willSend)
        }
        try await step("priority", payload: escalation.priority, effect: .idempotent, run: run) { (willSend) throws(ChatwootError) in
            try await chatwoot.setPriority(escalation.priority, conversation: conversationID, on: account, willSend: willSend)
        }
        try await step("labels", payload: label, effect: .idempotent, run: run) { (willSend) throws(ChatwootError) in
            try await chatwoot.addLabels([label], conversation: conversationID, on: account, willSend: willSend)
        }
        // The note written the first time (the conversation may have moved on since), so a retry can find it in Chatwoot.
        var note = outbox["note"]?.payload ?? ""
        if note.isEmpty { note = await summary(of: escalation, userID: userID, company: company, scope: scope) }
        let written = note
        try await step("note", payload: note, effect: .message { $0.isPrivate && $0.content == written }, run: run, isLast: true) {
            (willSend) throws(ChatwootError) in
            _ = try await chatwoot.createMessage(note, conversation: conversationID, isPrivate: true, on: account, willSend: willSend)
        }
        conversation.status = status
        // A person has it now, whatever status later payloads report, until a status event hands it back.
        conversation.humanActive = true
        return "replied and escalated (\(escalation.reason))"
    }

    /// The answer an earlier attempt's engine run gave when that attempt failed (or its process died) before the
    /// answer was recorded: the conversation's last turn is this message and its reply, made after the event
    /// arrived. Reusing it keeps the patient's turn once in memory, and an escalation that run made (the bot
    /// paused for an emergency or a request for a person since the event arrived) is rebuilt, where running
    /// the engine again would only answer "a person will reply" and tell the team nothing.
    func answerOfAnEarlierAttempt(_ event: InboxEvent, content: String, userID: String, scope: TenantScope) async -> StoredAnswer? {
        guard event.attempts > 1 else { return nil }
        let now = clock(), since = event.receivedAt.addingTimeInterval(-1)
        guard let history = try? await engine.memory.history(userID: userID, at: now, in: scope), history.count >= 2,
              let reply = history.last, reply.role == .assistant, let asked = history.dropLast().last, asked.role == .user,
              asked.text == content, asked.timestamp >= since else { return nil }
        var escalation: EscalationRecord?
        if let status = try? await engine.memory.botStatus(userID: userID, at: now, in: scope), !status.active,
           let reason = status.reason, reason == "emergency" || reason == "human_request", let changed = status.changedAt, changed >= since {
            escalation = EscalationRecord(id: UUID().uuidString.lowercased(), userID: userID, reason: reason, priority: "urgent",
                                          message: String(content.prefix(500)), createdAt: changed)
        }
        logger.info("[\(scope.companyID)] [inbox] event \(event.id): reusing the answer of an earlier attempt")
        return StoredAnswer(reply: reply.text, escalation: escalation)
    }

    /// What repeating a step would do, which decides how a step left `sending` is settled.
    enum StepEffect {
        /// Setting a status, a priority or labels: the same call again changes nothing more; simply repeated.
        case idempotent
        /// Creating a message: repeated only when it certainly is not in Chatwoot. `matches` recognises it
        /// among the conversation's messages.
        case message(matches: @Sendable (ChatwootMessage) -> Bool)
    }

    /// How a step left `sending` by a crash or a failure mid-call was settled.
    enum Settlement {
        case delivered, sendAgain
    }

    /// One attempt's outbox work for an event: what is known of its steps, and the records waiting to be
    /// written with the next one (so an attempt makes as few writes as it can).
    final class OutboxRun {
        let event: InboxEvent
        let scope: TenantScope
        let account: ChatwootAccount
        let outbox: [String: OutboxStep]
        var deferred: [(name: String, step: OutboxStep)] = []

        init(event: InboxEvent, scope: TenantScope, account: ChatwootAccount, outbox: [String: OutboxStep]) {
            self.event = event
            self.scope = scope
            self.account = account
            self.outbox = outbox
        }
    }

    /// One Chatwoot call as an outbox step (see the type's description). A step found `sent` is skipped. One
    /// found `sending` is repeated when it is idempotent or when the ``SendJournal`` knows its request never
    /// left; otherwise Chatwoot is asked (the conversation's latest messages): sent again when the message is
    /// not there, taken as delivered when it is or when Chatwoot cannot tell (an agent bot's token may not
    /// read messages), so a message is never sent twice. The `sending` record carries the run's deferred
    /// records; the last step of an event records no `sent` (the event's completion follows, and a crash
    /// before it is settled like any `sending` step).
    func step(_ name: String, payload: String, effect: StepEffect, run: OutboxRun, isLast: Bool = false,
              _ call: (_ willSend: @escaping @Sendable () -> Bool) async throws(ChatwootError) -> Void) async throws(Failure) {
        let event = run.event, scope = run.scope
        if let existing = run.outbox[name] {
            guard existing.state == .sending else { return }
            let settlement = try await settle(name, existing, effect: effect, event: event, scope: scope, account: run.account)
            guard settlement == .sendAgain else {
                try await record(run, (name, OutboxStep(state: .sent, payload: payload)))
                return
            }
        }
        let journal = journal, eventID = event.id, writer = journal.newWriterToken()
        try await record(run, (name, OutboxStep(state: .sending, payload: payload, writer: writer)))
        do {
            try await call { journal.recordLeaving(eventID: eventID, step: name, writer: writer) }
            count(chatwootCall: "ok")
        } catch {
            count(chatwootCall: "error")
            if !error.mayHaveTakenEffect {
                try? await inbox.clearOutbox(event.id, step: name, in: scope)
            }
            // A step left `sending` is settled on the next attempt.
            throw Failure(message: error.description, transient: error.isTransient)
        }
        if !isLast { try await record(run, (name, OutboxStep(state: .sent, payload: payload))) }
    }

    /// Writes `step` with the run's deferred records.
    func record(_ run: OutboxRun, _ step: (name: String, step: OutboxStep)) async throws(Failure) {
        let steps = run.deferred + [step]
        try await attempt { () throws(WebhookInboxError) in try await inbox.recordOutbox(run.event.id, steps: steps, at: clock(), in: run.scope) }
        run.deferred = []
    }

    func settle(_ name: String, _ existing: OutboxStep, effect: StepEffect, event: InboxEvent, scope: TenantScope,
                account: ChatwootAccount) async throws(Failure) -> Settlement {
        let label = "[\(scope.companyID)] [inbox] event \(event.id) step \(name)"
        guard case .message(let matches) = effect else { return .sendAgain }
        if journal.verdict(eventID: event.id, step: name, writer: existing.writer) == .neverLeft {
            logger.info("\(label) never left before a failure; sending it now")
            return .sendAgain
        }
        do {
            let messages = try await chatwoot.recentMessages(conversation: event.event.conversationID, on: account)
            if messages.contains(where: matches) {
                logger.info("\(label) reached Chatwoot before a failure; not sent again")
                return .delivered
            }
            logger.warning("\(label) may have left before a failure but Chatwoot does not have it; sending it again")
            return .sendAgain
        } catch {
            guard !error.isTransient else { throw Failure(message: "checking whether \(name) reached Chatwoot: \(error.description)", transient: true) }
            logger.warning("\(label) may have reached Chatwoot and its messages cannot be read (\(error.kind.rawValue)); not sent again")
            return .delivered
        }
    }

    /// The private note for the team: why, the message that caused it, and the conversation so far.
    func summary(of escalation: EscalationRecord, userID: String, company: Company, scope: TenantScope) async -> String {
        let english = company.language.hasPrefix("en")
        let history = (try? await engine.memory.history(userID: userID, at: clock(), in: scope)) ?? []
        var lines = [escalation.reason == "emergency"
            ? (english ? "🚨 Emergency: the bot has handed this conversation to the team." : "🚨 Emergencia: el bot ha pasado esta conversación al equipo.")
            : (english ? "🙋 The patient asked for a person; the bot has stepped back." : "🙋 El paciente pidió hablar con una persona; el bot se ha retirado.")]
        lines.append((english ? "Message: " : "Mensaje: ") + escalation.message)
        let recent = history.suffix(6)
        if !recent.isEmpty {
            lines.append(english ? "Recent conversation:" : "Conversación reciente:")
            for message in recent {
                let who = message.role == .user ? (english ? "Patient" : "Paciente") : "Bot"
                lines.append("- \(who): \(message.text.prefix(300))")
            }
        }
        return String(lines.joined(separator: "\n").prefix(ChatwootClient.maximumMessageLength * 4))
    }

    func syncMemory(userID: String, botActive: Bool, company: Company, scope: TenantScope) async throws(Failure) {
        let memory = engine.memory
        let now = clock()
        let policy = MemoryPolicy(window: company.memory?.windowMessages ?? 10, ttlSeconds: company.memory?.ttlSeconds ?? 7 * 24 * 3600)
        do {
            let current = try await memory.botStatus(userID: userID, at: now, in: scope)
            guard current.active != botActive else { return }
            try await memory.setBotStatus(BotStatus(active: botActive, reason: botActive ? nil : "human_agent", changedAt: now), userID: userID,
                                          policy: policy, at: now, in: scope)
        } catch {
            throw Failure(message: "conversation memory: \(error.message)", transient: true)
        }
    }

    /// Runs an inbox operation; its failure is a transient one of the attempt.
    func attempt<T>(_ operation: () async throws(WebhookInboxError) -> T) async throws(Failure) -> T {
        do {
            return try await operation()
        } catch {
            throw Failure(message: error.message, transient: true)
        }
    }
}
