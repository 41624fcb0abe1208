import Foundation
import ServiceRuntime
import TenantStorage
import Wire
import WireRPC

/// The agent service's Chatwoot methods: webhook intake (`agent/acceptWebhook`) and the inbox's admin
/// views (`listWebhookEvents`, `getWebhookEvent`, `retryWebhookEvent`). The company comes from the
/// service's own copy of the configuration; the RPC server has already checked that the call's tenant
/// metadata names it.
public struct ChannelService: Sendable {
    private let companies: CompanyWatcher
    public let inbox: any WebhookInbox
    let intake: WebhookIntake
    /// Called when an event is stored or put back in line (wakes the processor).
    let wake: @Sendable () -> Void
    /// The processor's counters (for `webhookMetrics`).
    let processorMetrics: @Sendable () -> (attempts: [String: Int], chatwootCalls: [String: Int])
    let storeKind: String

    public init(companies: CompanyWatcher, inbox: any WebhookInbox, storeKind: String, wake: @escaping @Sendable () -> Void,
                processorMetrics: @escaping @Sendable () -> (attempts: [String: Int], chatwootCalls: [String: Int])) {
        self.companies = companies
        self.inbox = inbox
        self.storeKind = storeKind
        self.wake = wake
        self.processorMetrics = processorMetrics
        intake = WebhookIntake(inbox: inbox, secret: { (id) throws(RPCError) -> String? in try await companies.secrets(of: id).chatwootWebhookSecret },
                               stored: wake)
    }

    public func register(on router: inout RPCRouter) {
        router.register(AgentAPI.acceptWebhook, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await companies.activeCompany(request.companyID)
            return try await intake.accept(request, company: company, scope: scope)
        }
        router.register(AgentAPI.listWebhookEvents, execution: .cooperative) { [self] request, _ in
            let scope = try await companies.activeCompany(request.companyID).1
            guard (1...100_000).contains(request.page), (1...200).contains(request.pageSize) else {
                throw RPCError(.invalidArgument, "page must be ≥ 1 and page_size 1–200")
            }
            let (page, counts) = try await inboxCall { () throws(WebhookInboxError) in
                (try await inbox.list(state: request.state, offset: (request.page - 1) * request.pageSize, limit: request.pageSize, in: scope),
                 try await inbox.counts(in: scope))
            }
            return WebhookEventPage(total: page.total, events: page.events.map(\.summary),
                                    counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
        }
        router.register(AgentAPI.getWebhookEvent, execution: .cooperative) { [self] request, _ in
            let scope = try await companies.activeCompany(request.companyID).1
            let (event, outbox) = try await inboxCall { () throws(WebhookInboxError) in
                (try await inbox.event(request.eventID, in: scope), try await inbox.outbox(request.eventID, in: scope))
            }
            guard let event else { throw RPCError(.notFound, "no webhook event '\(request.eventID.prefix(64))'", errorCode: "event_not_found") }
            return WebhookEventDetail(summary: event.summary, maskedPayload: PayloadMasking.masked(body: event.body),
                                      // A done event's steps were all delivered (its last one is not marked: its completion is).
                                      outbox: outbox.filter { $0.key != "answer" }.mapValues { event.state == .done ? "sent" : $0.state.rawValue })
        }
        router.register(AgentAPI.webhookMetrics, execution: .cooperative) { [self] _, _ in
            // Each active company's counts through its own scope (a company whose inbox cannot be read is left out).
            var events: [String: [String: Int]] = [:]
            for company in companies.companies.values where company.isActive {
                guard let scope = try? TenantScope(company: company), let counts = await counts(in: scope) else { continue }
                events[company.id.rawValue] = counts
            }
            let processor = processorMetrics()
            return WebhookMetrics(events: events, attempts: processor.attempts, chatwootCalls: processor.chatwootCalls, store: storeKind)
        }
        router.register(AgentAPI.retryWebhookEvent, execution: .cooperative) { [self] request, _ in
            let scope = try await companies.activeCompany(request.companyID).1
            let event = try await inboxCall { () throws(WebhookInboxError) in try await inbox.retry(request.eventID, at: Date(), in: scope) }
            guard let event else { throw RPCError(.notFound, "no webhook event '\(request.eventID.prefix(64))'", errorCode: "event_not_found") }
            guard event.state == .pending else {
                throw RPCError(.failedPrecondition, "the event is \(event.state.rawValue): only dead or waiting events can be retried",
                               errorCode: "event_not_retryable")
            }
            wake()
            return event.summary
        }
    }

    /// The company's events in each state, for the health report (nil when the inbox fails).
    public func counts(in scope: TenantScope) async -> [String: Int]? {
        guard let counts = try? await inbox.counts(in: scope) else { return nil }
        return Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
    }

    func inboxCall<T>(_ operation: () async throws(WebhookInboxError) -> T) async throws(RPCError) -> T {
        do {
            return try await operation()
        } catch {
            throw RPCError(.unavailable, error.message, errorCode: "inbox_unavailable")
        }
    }
}
