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
        try await Task.sleep(for: .milliseconds(200))
        #expect(order.withLock { $0 } == [1, 2, 3])
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
        let deadline = ContinuousClock.now + .seconds(5)
        while counters.count.load(ordering: .relaxed) < 8_000 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let executed = counters.count.load(ordering: .relaxed)
        let executedOffLoop = counters.offLoop.load(ordering: .relaxed)
        #expect(executed == 8_000)
        #expect(executedOffLoop == 0)
    }

    @Test func timer_WakesASleepingLoopOnTime() async throws {
        let loop = try EventLoop(name: "test-loop")
        defer { loop.shutdown() }
        try await Task.sleep(for: .milliseconds(50))  // let it sleep indefinitely
        let start = ContinuousClock.now
        let fired = await withCheckedContinuation { continuation in
            loop.schedule(after: .milliseconds(30)) { continuation.resume(returning: ContinuousClock.now) }
        }
        let elapsed = fired - start
        #expect(elapsed >= .milliseconds(29) && elapsed < .milliseconds(500))
    }
}
