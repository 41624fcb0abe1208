import Foundation
import Wire

/// A company's conversation statistics for a period, computed from its turn log (``ConversationStore/turns``):
///
/// - `conversations`: distinct users with a turn in the period; `messages`: turns; `agentUsage`: turns per agent;
/// - `escalations`: turns that escalated; `containmentRate`: conversations with no escalation; `escalationRate`:
///   conversations with one;
/// - `bookingConversion`: conversations that asked about sales or availability and booked in the period,
///   over those that asked;
/// - `unanswered`: sales and support turns the documents could not answer;
/// - response, retrieval and classification times: mean and 95th percentile (nearest rank) over the turns.
///
/// `messagesToday` counts the turns since midnight in the company's time zone; `activeBots` and the
/// calendar's appointments come from the caller.
public enum ConversationStatistics {
    public static func report(_ turns: [ConversationTurn], today: [ConversationTurn], activeBots: Int, appointmentsBooked: Int,
                              truncated: Bool) -> CompanyStatistics {
        var statistics = CompanyStatistics(activeBots: activeBots, messagesToday: today.count, messages: turns.count, truncated: truncated)
        statistics.appointmentsBooked = appointmentsBooked
        guard !turns.isEmpty else { return statistics }
        var byUser: [String: [ConversationTurn]] = [:]
        for turn in turns { byUser[turn.userID, default: []].append(turn) }
        statistics.conversations = byUser.count
        for turn in turns { statistics.agentUsage[turn.agent, default: 0] += 1 }
        statistics.escalations = turns.filter { $0.escalation != nil }.count
        let escalatedConversations = byUser.values.filter { $0.contains { $0.escalation != nil } }.count
        statistics.escalationRate = rate(escalatedConversations, byUser.count)
        statistics.containmentRate = rate(byUser.count - escalatedConversations, byUser.count)
        let interested = byUser.values.filter { $0.contains { !Set($0.intents).isDisjoint(with: ["sales", "availability"]) } }
        statistics.bookingConversion = rate(interested.filter { $0.contains(where: \.booked) }.count, interested.count)
        statistics.unanswered = turns.filter { !$0.answered }.count
        let totals = turns.map(\.totalMilliseconds).sorted()
        statistics.averageResponseMilliseconds = mean(totals)
        statistics.p95ResponseMilliseconds = round(totals[min(totals.count - 1, Int((Double(totals.count) * 0.95).rounded(.up)) - 1)])
        statistics.averageRetrievalMilliseconds = mean(turns.map(\.retrievalMilliseconds))
        statistics.averageClassificationMilliseconds = mean(turns.map(\.classificationMilliseconds))
        return statistics
    }

    static func rate(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : round(Double(part) / Double(whole)) }
    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : round(values.reduce(0, +) / Double(values.count)) }
    /// Three decimals.
    static func round(_ value: Double) -> Double { (value * 1_000).rounded() / 1_000 }
}
