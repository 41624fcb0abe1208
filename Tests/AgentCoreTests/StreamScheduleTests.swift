import Foundation
import Testing
import Wire
@testable import AgentCore

/// The Redis inbox's local schedule: one claim attempt per ready conversation, in flight until finished or
/// its lease ends, waiting until a time, entries dropped when their event is gone.
struct StreamScheduleTests {
    func candidate(_ entry: Int, event: String, queue: String) -> StreamSchedule.Candidate {
        StreamSchedule.Candidate(entry: "1-\(entry)", prefix: "benova:", company: CompanyID("benova")!, event: event, queue: queue)
    }

    @Test func eachReadyConversation_IsOfferedOnce_AndItsNextEntryAfterTheFirstFinishes() {
        var schedule = StreamSchedule()
        let now = Date()
        let a1 = candidate(1, event: "a1", queue: "a"), a2 = candidate(2, event: "a2", queue: "a"), b1 = candidate(3, event: "b1", queue: "b")
        schedule.hold([a1, a2, b1, a1])
        #expect(schedule.count == 3, "an entry is held once")
        let first = schedule.next(limit: 10, at: now)
        #expect(first == [a1, b1], "one entry per conversation, in arrival order")
        schedule.answer(.claimed(until: now.addingTimeInterval(60)), for: a1)
        schedule.answer(.notBefore(now.addingTimeInterval(5)), for: b1)
        #expect(schedule.next(limit: 10, at: now).isEmpty, "a is in flight, b waits")
        schedule.finished(event: "a1")
        #expect(schedule.next(limit: 10, at: now) == [a2])
        schedule.answer(.claimed(until: now.addingTimeInterval(60)), for: a2)
        #expect(schedule.next(limit: 10, at: now.addingTimeInterval(6)) == [b1], "b is due again")
        schedule.answer(.gone, for: b1)
        #expect(schedule.next(limit: 10, at: now.addingTimeInterval(61)) == [a2], "a lease that ran out makes the conversation ready")
        #expect(schedule.candidate(forEvent: "b1") == nil && schedule.count == 1)
    }

    @Test func aRefusedHead_LetsTheConversationsNextEntryBeTried_AndUnaskedOnesComeBack() {
        var schedule = StreamSchedule()
        let now = Date()
        let x1 = candidate(1, event: "x1", queue: "x"), x2 = candidate(2, event: "x2", queue: "x"), y1 = candidate(3, event: "y1", queue: "y")
        schedule.hold([x1, x2, y1])
        let offered = schedule.next(limit: 10, at: now)
        // x1 is not the head in Redis (a retried dead letter went in front of it): x2 is tried next time.
        schedule.answer(.notBefore(now), for: x1)
        schedule.putBack(offered.filter { $0 != x1 })
        let again = schedule.next(limit: 10, at: now)
        #expect(Set(again.map(\.event)) == ["x2", "y1"])
        schedule.retry(event: "y1", at: now.addingTimeInterval(30))
        #expect(!schedule.next(limit: 10, at: now.addingTimeInterval(10)).contains(y1))
    }
}
