import Foundation
import ServiceRuntime
import TenantStorage
import Wire
import WireRPC

/// The agent service's conversation method (`agent/chat`) over a ``ConversationEngine``. The company comes
/// from the service's own copy of the configuration; an unknown or inactive company is `notFound`.
public struct ConversationService: Sendable {
    private let companies: CompanyWatcher
    public let engine: ConversationEngine
    /// `sqlite` or `redis`, for the health report.
    let memoryKind: String
    /// The Chatwoot channel, for the webhook inbox's counts in the health report.
    let channels: ChannelService?
    /// `sqlite` or `redis`: where the webhook inbox is.
    let inboxKind: String?

    public init(companies: CompanyWatcher, engine: ConversationEngine, memoryKind: String = "sqlite", channels: ChannelService? = nil,
                inboxKind: String? = nil) {
        self.companies = companies
        self.engine = engine
        self.memoryKind = memoryKind
        self.channels = channels
        self.inboxKind = inboxKind
    }

    /// The most turns one statistics request reads, and the most conversations it counts bots over.
    static let statisticsTurnLimit = 200_000
    static let statisticsConversationLimit = 20_000

    /// The company's statistics for `from..<to`.
    func statistics(_ request: CompanyStatisticsRequest, company: Company, scope: TenantScope) async throws(RPCError) -> CompanyStatistics {
        guard request.from < request.to, request.to.timeIntervalSince(request.from) <= 366 * 86_400 else {
            throw RPCError(.invalidArgument, "from must be before to, at most 366 days apart", errorCode: "invalid_period")
        }
        let memory = engine.memory
        let policy = MemoryPolicy(window: company.memory?.windowMessages ?? 10, ttlSeconds: company.memory?.ttlSeconds ?? 7 * 24 * 3600)
        let now = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: company.timezone) ?? .gmt
        let midnight = calendar.startOfDay(for: now)
        do throws(ConversationStoreError) {
            let turns = try await memory.turns(from: request.from, to: request.to, limit: Self.statisticsTurnLimit, in: scope)
            // Today's turns come from the period's when it covers today (one read instead of two).
            let today = request.from <= midnight && request.to >= now && turns.count < Self.statisticsTurnLimit
                ? turns.filter { $0.timestamp >= midnight }
                : try await memory.turns(from: midnight, to: now.addingTimeInterval(1), limit: Self.statisticsTurnLimit, in: scope)
            var active = 0, offset = 0, total = 1
            while offset < min(total, Self.statisticsConversationLimit) {
                let page = try await memory.list(offset: offset, limit: 100, policy: policy, at: now, in: scope)
                total = page.total
                active += page.conversations.filter(\.botActive).count
                if page.conversations.isEmpty { break }
                offset += page.conversations.count
            }
            let appointments = try? await engine.appointments.store.list(from: request.from, to: request.to, patient: nil, includeCancelled: false,
                                                                        limit: 100_000, in: scope)
            return ConversationStatistics.report(turns, today: today, activeBots: active, appointmentsBooked: appointments?.count ?? 0,
                                                 truncated: turns.count >= Self.statisticsTurnLimit || total > Self.statisticsConversationLimit)
        } catch {
            throw RPCError(.unavailable, error.message)
        }
    }

    /// The longest message answered, and what a user id may look like.
    static let maximumMessageLength = 4_000

    static func isValidUserID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
            || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    func company(_ id: CompanyID) async throws(RPCError) -> (Company, TenantScope) { try await companies.activeCompany(id) }

    public func register(on router: inout RPCRouter) {
        let engine = self.engine
        let memory = engine.memory
        router.register(AgentAPI.listConversations, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            guard (1...1_000_000).contains(request.page), (1...100).contains(request.pageSize) else {
                throw RPCError(.invalidArgument, "page must be ≥ 1 and page_size 1–100")
            }
            let policy = MemoryPolicy(window: company.memory?.windowMessages ?? 10, ttlSeconds: company.memory?.ttlSeconds ?? 7 * 24 * 3600)
            do throws(ConversationStoreError) {
                let page = try await memory.list(offset: (request.page - 1) * request.pageSize, limit: request.pageSize, policy: policy, at: Date(), in: scope)
                return ConversationPage(total: page.total, conversations: page.conversations)
            } catch {
                throw RPCError(.unavailable, error.message)
            }
        }
        router.register(AgentAPI.conversationHistory, execution: .cooperative) { [self] request, _ in
            let scope = try await company(request.companyID).1
            guard Self.isValidUserID(request.userID) else { throw RPCError(.invalidArgument, "user_id is not valid", errorCode: "invalid_user_id") }
            let history: ConversationHistory
            do throws(ConversationStoreError) {
                history = ConversationHistory(messages: try await memory.history(userID: request.userID, at: Date(), in: scope),
                                              bot: try await memory.botStatus(userID: request.userID, at: Date(), in: scope))
            } catch {
                throw RPCError(.unavailable, error.message)
            }
            guard !history.messages.isEmpty else {
                throw RPCError(.notFound, "no conversation '\(request.userID)'", errorCode: "conversation_not_found")
            }
            return history
        }
        let records = PatientRecords(memory: memory, appointments: engine.appointments.store, inbox: channels?.inbox)
        router.register(AgentAPI.exportConversation, execution: .cooperative) { [self] request, _ in
            let scope = try await company(request.companyID).1
            guard Self.isValidUserID(request.userID) else { throw RPCError(.invalidArgument, "user_id is not valid", errorCode: "invalid_user_id") }
            return try await records.export(userID: request.userID, at: Date(), in: scope)
        }
        router.register(AgentAPI.deleteConversation, execution: .cooperative) { [self] request, _ in
            let scope = try await company(request.companyID).1
            guard Self.isValidUserID(request.userID) else { throw RPCError(.invalidArgument, "user_id is not valid", errorCode: "invalid_user_id") }
            return try await records.erase(userID: request.userID, at: Date(), in: scope)
        }
        router.register(AgentAPI.companyStatistics, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            return try await statistics(request, company: company, scope: scope)
        }
        router.register(AgentAPI.companyHealth, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            let agents = AgentKind.allCases.filter { $0 != .router && company.agentsEnabled?[$0.rawValue] != false }.map(\.rawValue)
            var problem: String?
            do throws(ConversationStoreError) {
                _ = try await memory.list(offset: 0, limit: 1, policy: MemoryPolicy(), at: Date(), in: scope)
            } catch {
                problem = error.message
            }
            let model = await engine.languageModels?.languageModel(for: company)
            return AgentCompanyHealth(agentsAvailable: agents, memoryHealthy: problem == nil, memoryStore: memoryKind,
                                      languageModel: model?.model.identifier ?? "builtin", problem: problem,
                                      webhookEvents: await channels?.counts(in: scope), webhookInbox: inboxKind)
        }
        router.register(AgentAPI.chat, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            guard Self.isValidUserID(request.userID) else {
                throw RPCError(.invalidArgument, "user_id must be 1–128 letters, digits, '-', '_' or '.'", errorCode: "invalid_user_id")
            }
            let message = request.message.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !message.isEmpty, message.count <= Self.maximumMessageLength else {
                throw RPCError(.invalidArgument, "message must be 1–\(Self.maximumMessageLength) characters", errorCode: "invalid_message")
            }
            var trimmed = request
            trimmed.message = message
            do throws(ConversationStoreError) {
                return try await engine.handle(trimmed, company: company, scope: scope)
            } catch {
                throw RPCError(.unavailable, error.message)
            }
        }
    }
}
