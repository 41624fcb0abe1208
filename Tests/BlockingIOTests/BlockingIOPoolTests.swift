import Foundation
import Synchronization
import Testing
@testable import BlockingIO

/// Waits until `condition` holds or `timeout` passes (a poll, never a bare sleep).
/// Polls `condition` until it holds or `timeout` passes (generous: a busy test run can starve a task for seconds).
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// A gate a job waits on until the test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open(_ count: Int = 1) { for _ in 0..<count { semaphore.signal() } }
}

final class Flags: Sendable {
    private let values = Mutex<Set<String>>([])
    func set(_ name: String) { values.withLock { _ = $0.insert(name) } }
    func has(_ name: String) -> Bool { values.withLock { $0.contains(name) } }
}

struct Refused: Error, Equatable { var reason: String }

/// The name of the thread running the caller (a synchronous function, so async code may ask too).
func currentThreadName() -> String { ThreadName.current }

@Suite struct BlockingIOPoolTests {
    @Test func run_ExecutesOnThePoolsOwnThreads_AndReturnsTheResult() async throws {
        let pool = BlockingIOPool(name: "test-pool", threads: 2)
        defer { pool.shutdown() }
        let name = try await pool.run { (_) throws(Refused) -> String in currentThreadName() }
        #expect(name.hasPrefix("test-pool-"))
        await #expect(throws: BlockingIOError<Refused>.self) {
            try await pool.run { (_) throws(Refused) -> Int in throw Refused(reason: "no") }
        }
        do {
            _ = try await pool.run { (_) throws(Refused) -> Int in throw Refused(reason: "no") }
        } catch {
            guard case .failed(let failure) = error else { Issue.record("expected .failed, got \(error)"); return }
            #expect(failure == Refused(reason: "no"))
        }
    }

    @Test func timeout_AnswersAtOnce_AndTellsTheRunningJob() async throws {
        let pool = BlockingIOPool(name: "timeout-pool", threads: 1)
        defer { pool.shutdown() }
        let flags = Flags()
        let gate = Gate()
        do {
            // The job would block forever: the gate opens only after the caller has its answer.
            _ = try await pool.run(timeout: .milliseconds(100)) { (job) throws(Refused) -> Int in
                job.onCancel { flags.set("told") }
                gate.wait()
                return 1
            }
            Issue.record("the job should have timed out")
        } catch {
            guard case .timedOut = error else { Issue.record("expected .timedOut, got \(error)"); return }
        }
        #expect(flags.has("told"))
        gate.open()
        // The thread is free again afterwards.
        #expect(try await pool.run { (_) throws(Refused) in 7 } == 7)
    }

    @Test func cancellation_OfAQueuedJob_NeverRunsIt_AndOfARunningJob_CallsItsHandler() async throws {
        let pool = BlockingIOPool(name: "cancel-pool", threads: 1)
        defer { pool.shutdown() }
        let flags = Flags()
        let gate = Gate()
        let running = Task {
            try await pool.run { (job) throws(Refused) -> Int in
                flags.set("running")
                job.onCancel { flags.set("running-told") }
                gate.wait()
                return 1
            }
        }
        #expect(await eventually { flags.has("running") })
        let queued = Task {
            try await pool.run { (_) throws(Refused) -> Int in
                flags.set("queued-ran")
                return 2
            }
        }
        #expect(await eventually { pool.queuedJobs == 1 })
        queued.cancel()
        running.cancel()
        await #expect(throws: BlockingIOError<Refused>.self) { try await queued.value }
        await #expect(throws: BlockingIOError<Refused>.self) { try await running.value }
        #expect(flags.has("running-told"))
        gate.open()
        #expect(try await pool.run { (_) throws(Refused) in 3 } == 3)
        #expect(!flags.has("queued-ran"))
    }

    @Test func aFullQueue_RejectsAtOnce() async throws {
        let pool = BlockingIOPool(name: "bounded-pool", threads: 1, maximumQueuedJobs: 2)
        defer { pool.shutdown() }
        let gate = Gate()
        let flags = Flags()
        var jobs: [Task<Int, any Error>] = []
        jobs.append(Task { try await pool.run { (_) throws(Refused) -> Int in flags.set("first"); gate.wait(); return 0 } })
        #expect(await eventually { flags.has("first") })
        for index in 1...2 {
            jobs.append(Task { try await pool.run { (_) throws(Refused) -> Int in index } })
        }
        #expect(await eventually { pool.queuedJobs == 2 })
        do {
            _ = try await pool.run { (_) throws(Refused) -> Int in 99 }
            Issue.record("a job beyond the queue limit was accepted")
        } catch {
            guard case .rejected = error else { Issue.record("expected .rejected, got \(error)"); return }
        }
        gate.open()
        var results: [Int] = []
        for job in jobs { results.append(try await job.value) }
        #expect(results == [0, 1, 2])
    }

    @Test func asATaskExecutor_RunsAsyncCodeOnItsThreads() async throws {
        let pool = BlockingIOPool(name: "executor-pool", threads: 1)
        defer { pool.shutdown() }
        let names = await Task(executorPreference: pool) { () async -> [String] in
            var names = [currentThreadName()]
            await Task.yield()
            names.append(currentThreadName())
            return names
        }.value
        #expect(names.allSatisfy { $0 == "executor-pool-0" })
    }

    @Test func afterShutdown_JobsAreRejected() async throws {
        let pool = BlockingIOPool(name: "stopped-pool", threads: 2)
        pool.shutdown()
        do {
            _ = try await pool.run { (_) throws(Refused) -> Int in 1 }
            Issue.record("a stopped pool ran a job")
        } catch {
            guard case .rejected = error else { Issue.record("expected .rejected, got \(error)"); return }
        }
    }
}
