import CompanyModel
import Foundation
import Testing
import Wire
@testable import AgentCore

struct ConversationStatisticsTests {
    func turn(_ user: String, _ agent: String, intents: [String]? = nil, total: Double, answered: Bool = true, booked: Bool = false,
              escalated: Bool = false) -> ConversationTurn {
        ConversationTurn(id: UUID().uuidString, userID: user, timestamp: Date(), agent: agent, intents: intents ?? [agent], provider: "builtin",
                         classificationMilliseconds: 0.2, retrievalMilliseconds: 1, totalMilliseconds: total, answered: answered, booked: booked,
                         escalation: escalated ? EscalationRecord(id: "e", userID: user, reason: "emergency", priority: "urgent", message: "", createdAt: Date()) : nil)
    }

    @Test func theReport_CountsConversationsOutcomesAndTimes() {
        let turns = [
            turn("ana", "sales", total: 2), turn("ana", "availability", total: 3), turn("ana", "schedule", total: 4, booked: true),
            turn("beto", "sales", intents: ["sales", "availability"], total: 5), turn("beto", "support", total: 6, answered: false),
            turn("carla", "emergency", total: 1, escalated: true),
        ]
        let report = ConversationStatistics.report(turns, today: Array(turns.prefix(2)), activeBots: 2, appointmentsBooked: 7, truncated: false)
        #expect(report.conversations == 3 && report.messages == 6 && report.messagesToday == 2 && report.activeBots == 2 && report.appointmentsBooked == 7)
        #expect(report.agentUsage == ["sales": 2, "availability": 1, "schedule": 1, "support": 1, "emergency": 1])
        #expect(report.escalations == 1 && report.escalationRate == 0.333 && report.containmentRate == 0.667)
        #expect(report.bookingConversion == 0.5, "ana booked, beto asked and did not")
        #expect(report.unanswered == 1)
        #expect(report.averageResponseMilliseconds == 3.5 && report.p95ResponseMilliseconds == 6 && report.averageRetrievalMilliseconds == 1)
        #expect(ConversationStatistics.report([], today: [], activeBots: 0, appointmentsBooked: 0, truncated: false) == CompanyStatistics())
    }

    @Test func companyKeywords_ExtendTheRouter() throws {
        let json = #"{"company_id":"benova","company_name":"Benova","router_keywords":{"sales":["morpheus"],"availability":["hueco"]}}"#
        let company = try JSONDecoder().decode(Company.self, from: Data(json.utf8))
        let router = ConversationEngine.router(for: company)
        #expect(router.classify("morpheus").first?.intent == .sales)
        #expect(IntentRouter().classify("morpheus").first?.intent != .sales)
        #expect(router.classify("¿tienen algún hueco el jueves?").contains { $0.intent == .availability })
    }
}

/// The language-model settings and router keywords a company may have, checked where they enter.
struct ConversationSettingsValidationTests {
    func problems(_ extra: String) throws -> [String: String] {
        let json = #"{"company_id":"benova","company_name":"Benova","#  + extra + "}"
        return CompanyValidator.fieldProblems(try JSONDecoder().decode(Company.self, from: Data(json.utf8)))
    }

    @Test func goodSettings_Pass_AndBadOnesNameTheirField() throws {
        #expect(try problems(#""providers":{"llm":{"provider":"openai","base_url":"http://127.0.0.1:8080/v1","model":"m","temperature":0.2,"timeout_seconds":8,"routing":true}},"router_keywords":{"sales":["morpheus8"]}"#).isEmpty)
        let bad = try problems(#"""
            "providers":{"llm":{"provider":"openai","base_url":"http://x/v1","model":"m","temperature":3,"timeout_seconds":0.1},
                         "embeddings":{"temperature":0.5,"routing":true}},
            "router_keywords":{"emergency":["labio"],"sales":[""]}
            """#)
        #expect(Set(bad.keys) == ["providers.llm.temperature", "providers.llm.timeout_seconds", "providers.embeddings.temperature",
                                  "providers.embeddings.routing", "router_keywords.emergency", "router_keywords.sales"], "\(bad)")
    }
}
