import Foundation
import Synchronization
import Testing
@testable import NetworkCore

@Suite struct EventLoopTests {
    @Test func scheduledTasks_RunInDeadlineOrder_AndCancelledOnesDoNot() async throws {
        let loop = try EventLoop(name: "test-loop")
        defer { loop.shutdown() }
        let order = Mutex<[Int]>([])
        let cancelled = loop.schedule(after: .milliseconds(20)) { order.withLock { $0.append(99) } }
        loop.schedule(after: .milliseconds(60)) { order.withLock { $0.append(3) } }
        loop.schedule(after: .milliseconds(10)) { order.withLock { $0.append(1) } }
        loop.schedule(after: .milliseconds(30)) { order.withLock { $0.append(2) } }
        cancelled.cancel()
        // The last timer is due after the cancelled one: once it ran, the cancelled one had its chance.
        #expect(await eventually { order.withLock { $0.count } >= 3 })
        #expect(order.withLock { $0 } == [1, 2, 3])
    }

    @Test func cancelledTimers_AreSweptFromTheHeap() async throws {
        let loop = try EventLoop(name: "test-loop")
        defer { loop.shutdown() }
        // A call with a long deadline that finishes at once leaves a cancelled timer behind: many of them
        // must not pile up (memory would grow with rate × deadline).
        let timers = (0..<10_000).map { _ in loop.schedule(after: .seconds(3_600)) {} }
        #expect(await loop.timerCount() == 10_000)
        for timer in timers { timer.cancel() }
        let fired = Atomic<Bool>(false)
        loop.schedule(after: .milliseconds(1)) { fired.store(true, ordering: .relaxed) }
        #expect(await eventually { fired.load(ordering: .relaxed) })
        #expect(await loop.timerCount() < 100)
        // Live timers are kept and still fire.
        let live = Atomic<Int>(0)
        for index in 0..<200 { loop.schedule(after: .milliseconds(index % 20)) { live.add(1, ordering: .relaxed) } }
        #expect(await eventually { live.load(ordering: .relaxed) == 200 })
    }

    @Test func execute_FromManyThreads_RunsEverythingOnTheLoopThread() async throws {
        let loop = try EventLoop(name: "test-loop")
        defer { loop.shutdown() }
        final class Counters: Sendable {
            let count = Atomic<Int>(0)
            let offLoop = Atomic<Int>(0)
        }
        let counters = Counters()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<1_000 {
                        loop.execute {
                            if !loop.inEventLoop { counters.offLoop.add(1, ordering: .relaxed) }
                            counters.count.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
        }
        #expect(await eventually { counters.count.load(ordering: .relaxed) == 8_000 })
        #expect(counters.offLoop.load(ordering: .relaxed) == 0)
    }

    @Test func timer_WakesALoopAsleepIndefinitely() async throws {
        let loop = try EventLoop(name: "test-loop")
        defer { loop.shutdown() }
        #expect(await eventually { loop.isAsleepIndefinitely })
        let start = ContinuousClock.now
        let fired = await withCheckedContinuation { continuation in
            loop.schedule(after: .milliseconds(30)) { continuation.resume(returning: ContinuousClock.now) }
        }
        let elapsed = fired - start
        #expect(elapsed >= .milliseconds(29) && elapsed < .seconds(5))
    }
}
