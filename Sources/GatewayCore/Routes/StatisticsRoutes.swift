import Foundation
import HTTPServerCore
import ServiceLogging
import Wire

/// A company's statistics: its conversations (from the agent service's turn log), documents (RAG) and
/// calendar, for a period.
enum StatisticsRoutes {
    /// The default period: the last 30 days.
    static let defaultPeriod: TimeInterval = 30 * 86_400

    /// An instant of the query: `YYYY-MM-DD` (midnight in the company's time zone; for `to`, the end of that
    /// day) or an ISO 8601 date-time.
    static func instant(_ text: String, endOfDay: Bool, zone: TimeZone) -> Date? {
        if text.count == 10 {
            let formatter = DateFormatter()
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = "yyyy-MM-dd"
            guard let day = formatter.date(from: text) else { return nil }
            return endOfDay ? Calendar(identifier: .gregorian).date(byAdding: .day, value: 1, to: day) : day
        }
        return AppointmentRoutes.parseDate(text)
    }

    static func register(on router: inout Router<GatewayRoute>, companies: CompanyCache, upstream: UpstreamCaller) {
        router.add("GET", "/api/companies/{id}/stats", GatewayRoute(access: .authenticated, timeout: .seconds(20)) { request, context in
            let company = try await PathCompany.resolve(context, companies: companies, upstream: upstream)
            let id = company.id
            let zone = TimeZone(identifier: company.timezone) ?? .gmt
            let now = Date()
            var to = now, from = now.addingTimeInterval(-defaultPeriod)
            if let value = request.queryValues("to").first {
                guard let parsed = instant(value, endOfDay: true, zone: zone) else {
                    throw HTTPError(status: 400, code: "invalid_period", message: "to must be YYYY-MM-DD or an ISO 8601 date-time.")
                }
                to = parsed
                from = parsed.addingTimeInterval(-defaultPeriod)
            }
            if let value = request.queryValues("from").first {
                guard let parsed = instant(value, endOfDay: false, zone: zone) else {
                    throw HTTPError(status: 400, code: "invalid_period", message: "from must be YYYY-MM-DD or an ISO 8601 date-time.")
                }
                from = parsed
            }
            guard from < to, to.timeIntervalSince(from) <= 366 * 86_400 else {
                throw HTTPError(status: 400, code: "invalid_period", message: "from must be before to, at most 366 days apart.")
            }
            async let documents = try? upstream.call(.rag, RAGAPI.documentStats, DocumentStatsRequest(companyID: id), context: context)
            let statistics = try await upstream.call(.agent, AgentAPI.companyStatistics, CompanyStatisticsRequest(companyID: id, from: from, to: to),
                                                     context: context)
            let documentCount: JSONValue = await documents.map { .number(Double($0.documents)) } ?? .null
            func number(_ value: Double) -> JSONValue { .number(value) }
            return CompanyJSON.success([
                "company_id": .string(id.rawValue),
                "period": .object(["from": .string(Timestamp.iso8601(from)), "to": .string(Timestamp.iso8601(to))]),
                "statistics": .object([
                    "conversations": number(Double(statistics.conversations)), "documents": documentCount,
                    "active_bots": number(Double(statistics.activeBots)), "messages_today": number(Double(statistics.messagesToday)),
                    "messages": number(Double(statistics.messages)),
                    "agent_usage": .object(statistics.agentUsage.mapValues { .number(Double($0)) }),
                    "escalations": number(Double(statistics.escalations)), "appointments": number(Double(statistics.appointmentsBooked)),
                ]),
                "outcomes": .object([
                    "containment_rate": number(statistics.containmentRate), "escalation_rate": number(statistics.escalationRate),
                    "booking_conversion": number(statistics.bookingConversion), "unanswered": number(Double(statistics.unanswered)),
                ]),
                "performance": .object([
                    "avg_response_time_ms": number(statistics.averageResponseMilliseconds),
                    "p95_response_time_ms": number(statistics.p95ResponseMilliseconds),
                    "rag_search_time_ms": number(statistics.averageRetrievalMilliseconds),
                    "agent_classification_time_ms": number(statistics.averageClassificationMilliseconds),
                ]),
                "truncated": .bool(statistics.truncated),
                "timestamp": .string(Timestamp.iso8601(now)),
            ])
        })
    }
}
