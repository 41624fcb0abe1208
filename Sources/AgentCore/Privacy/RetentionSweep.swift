import Foundation
import ServiceLogging
import TenantStorage
import Wire

/// The privacy retention of every company that sets one (`memory.retention_days`): periodically deletes its
/// conversations inactive for longer, the statistics records older than that, and its finished webhook
/// deliveries (payloads and outbox) received before it. Each company is swept through its own scope; a
/// company whose store fails is logged and tried again on the next round.
public struct RetentionSweep: Sendable {
    /// The companies as the service knows them now.
    let companies: @Sendable () -> [Company]
    let memory: any ConversationStore
    let inbox: (any WebhookInbox)?
    let logger: Logger

    /// What one company's sweep removed.
    public struct Outcome: Sendable, Equatable {
        public var conversations = 0
        public var turns = 0
        public var webhookEvents = 0
    }

    public init(companies: @escaping @Sendable () -> [Company], memory: any ConversationStore, inbox: (any WebhookInbox)?, logger: Logger) {
        self.companies = companies
        self.memory = memory
        self.inbox = inbox
        self.logger = logger
    }

    /// Sweeps one company now (nil when it sets no retention).
    public func sweep(_ company: Company, at now: Date) async throws(RetentionSweepError) -> Outcome? {
        guard let days = company.memory?.retentionDays, days > 0 else { return nil }
        let scope: TenantScope
        do {
            scope = try TenantScope(company: company)
        } catch {
            throw RetentionSweepError(message: "\(company.id): \(error)")
        }
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        var outcome = Outcome()
        do throws(ConversationStoreError) {
            (outcome.conversations, outcome.turns) = try await memory.removeInactive(before: cutoff, in: scope)
        } catch {
            throw RetentionSweepError(message: "\(company.id) memory: \(error.message)")
        }
        do throws(WebhookInboxError) {
            outcome.webhookEvents = try await inbox?.removeFinished(before: cutoff, in: scope) ?? 0
        } catch {
            throw RetentionSweepError(message: "\(company.id) webhook inbox: \(error.message)")
        }
        return outcome
    }

    /// Sweeps every active company once.
    public func sweepAll(at now: Date) async {
        for company in companies().sorted(by: { $0.id.rawValue < $1.id.rawValue }) where company.isActive {
            let logger = logger.with(company: company.id.rawValue)
            do throws(RetentionSweepError) {
                guard let outcome = try await sweep(company, at: now) else { continue }
                if outcome != Outcome() {
                    logger.info("retention: removed \(outcome.conversations) conversations, \(outcome.turns) statistics records and "
                                + "\(outcome.webhookEvents) webhook events older than \(company.memory?.retentionDays ?? 0) days")
                }
            } catch {
                logger.warning("retention sweep failed: \(error.message)")
            }
        }
    }

    /// Sweeps every `interval` until the task is cancelled (the first round a minute after start).
    public func run(every interval: Duration) async {
        var wait = min(interval, .seconds(60))
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: wait)
            } catch {
                return
            }
            await sweepAll(at: Date())
            wait = interval
        }
    }
}

/// One company's retention sweep failed (the message names the company and the store).
public struct RetentionSweepError: Error, Sendable {
    public var message: String
}
