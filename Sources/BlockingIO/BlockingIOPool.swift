import Dispatch
import Foundation
import Synchronization

/// Dedicated threads for work that blocks: C clients (SQLite, libpq, hiredis, Tesseract), file I/O with
/// `fsync`, and long CPU-bound computations. Event loops and Swift's cooperative pool never run such work;
/// they hand it to a pool with ``run(timeout:_:)`` and await the result.
///
/// * Jobs wait in one FIFO queue bounded by `maximumQueuedJobs`; a full queue rejects at once instead of
///   letting latency grow without limit. An `urgent` job goes before the waiting ones (a request someone is
///   waiting for, ahead of background work).
/// * A caller that is cancelled, or whose `timeout` passes, is answered immediately with
///   ``BlockingIOError/cancelled`` or ``BlockingIOError/timedOut``; a job not yet started is never run, and a
///   running one is told through its ``BlockingIOJob`` (so it can interrupt its C call).
/// * A pool of one thread is a serial executor: a connection object confined to it needs no lock.
/// * The pool is also a Swift `TaskExecutor`, so an async handler that calls blocking code can run as
///   `Task(executorPreference: pool) { ... }` (the RPC server's `.blocking` handler policy).
public final class BlockingIOPool: Sendable {
    private struct Queue {
        var work: [@Sendable () -> Void] = []
        var head = 0
        /// Jobs that go before every other waiting job (in their own arrival order).
        var urgent: [@Sendable () -> Void] = []
        var stopping = false
        var busy = 0

        var count: Int { work.count - head + urgent.count }

        mutating func pop() -> (@Sendable () -> Void)? {
            if !urgent.isEmpty { return urgent.removeFirst() }
            guard head < work.count else { return nil }
            let item = work[head]
            head += 1
            if head >= 1024 && head * 2 >= work.count {
                work.removeFirst(head)
                head = 0
            } else if head == work.count {
                work.removeAll(keepingCapacity: true)
                head = 0
            }
            return item
        }
    }

    /// A short name, used for the threads (`<name>-0`, `<name>-1`, ...).
    public let name: String
    /// The number of threads.
    public let threadCount: Int
    /// The most jobs that may wait for a thread; more are rejected.
    public let maximumQueuedJobs: Int
    private let queue = Mutex(Queue())
    private let available = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `threads` threads (at least one).
    public init(name: String, threads: Int, maximumQueuedJobs: Int = 4_096) {
        self.name = name
        self.threadCount = max(1, threads)
        self.maximumQueuedJobs = max(1, maximumQueuedJobs)
        for index in 0..<threadCount {
            let threadName = "\(name)-\(index)"
            let thread = Thread { [self] in
                ThreadName.set(threadName)
                workerLoop()
            }
            thread.name = threadName
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// A process-wide pool for short blocking jobs (file reads and writes, small computations): twice the
    /// number of cores, at least four threads. Clients with their own connections make their own pools.
    public static let shared = BlockingIOPool(
        name: "blocking", threads: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount))

    /// Jobs waiting for a thread.
    public var queuedJobs: Int { queue.withLock { $0.count } }

    /// Threads running a job right now.
    public var busyThreads: Int { queue.withLock { $0.busy } }

    /// Runs `body` on one of the pool's threads and returns its result.
    ///
    /// - Parameters:
    ///   - timeout: the longest the caller waits, queueing included; nil waits as long as the job takes.
    ///   - urgent: run before the jobs already waiting (still after the running ones).
    ///   - body: the blocking work; it receives its ``BlockingIOJob`` to notice cancellation.
    /// - Throws: ``BlockingIOError``: `.failed` with the body's error, `.cancelled`, `.timedOut`, `.rejected`.
    public func run<T: Sendable, Failure: Error>(
        timeout: Duration? = nil, urgent: Bool = false, _ body: @escaping @Sendable (BlockingIOJob) throws(Failure) -> T
    ) async throws(BlockingIOError<Failure>) -> T {
        if Task.isCancelled { throw .cancelled }
        let job = BlockingIOJob()
        let pending = PendingResult<T, Failure>()
        let result: Result<T, BlockingIOError<Failure>> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                pending.install(continuation)
                let accepted = submit(bounded: true, urgent: urgent) {
                    guard !job.isCancelled else { return }
                    let outcome: Result<T, BlockingIOError<Failure>>
                    do throws(Failure) {
                        outcome = .success(try body(job))
                    } catch {
                        outcome = .failure(.failed(error))
                    }
                    job.complete()
                    pending.finish(outcome)
                }
                guard accepted else {
                    pending.finish(.failure(.rejected(queue.withLock { $0.stopping }
                        ? "the \(name) pool is shut down" : "the \(name) pool has \(maximumQueuedJobs) jobs waiting")))
                    return
                }
                if let timeout { pending.startTimer(timeout) { job.cancel() } }
            }
        } onCancel: {
            job.cancel()
            pending.finish(.failure(.cancelled))
        }
        return try result.get()
    }

    /// Queues `work` for a thread; false when the pool refuses it.
    private func submit(bounded: Bool, urgent: Bool = false, _ work: @escaping @Sendable () -> Void) -> Bool {
        let accepted = queue.withLock { queue -> Bool in
            if queue.stopping { return false }
            if bounded && queue.count >= maximumQueuedJobs { return false }
            if urgent { queue.urgent.append(work) } else { queue.work.append(work) }
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Stops the threads once the jobs already queued have run, and waits for them to exit.
    /// Jobs submitted afterwards are rejected. Must not be called from one of the pool's threads.
    public func shutdown() {
        let first = queue.withLock { queue -> Bool in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        guard first else { return }
        for _ in 0..<threadCount { available.signal() }
        for _ in 0..<threadCount { exited.wait() }
    }

    private func workerLoop() {
        while true {
            available.wait()
            let next = queue.withLock { queue -> (@Sendable () -> Void)?? in
                if let item = queue.pop() {
                    queue.busy += 1
                    return .some(item)
                }
                return queue.stopping ? .none : .some(nil)
            }
            switch next {
            case .none:
                exited.signal()
                return
            case .some(.none):
                continue
            case .some(.some(let work)):
                work()
                queue.withLock { $0.busy -= 1 }
            }
        }
    }
}

extension BlockingIOPool: TaskExecutor {
    /// Runs a Swift concurrency job on one of the pool's threads (never refused: a task must finish).
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        _ = submit(bounded: false) { unowned.runSynchronously(on: executor) }
    }
}

/// The one-shot rendezvous between a pool job, its caller, a timeout and cancellation: whichever
/// finishes first answers the caller; the others are ignored.
private final class PendingResult<T: Sendable, Failure: Error>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<T, BlockingIOError<Failure>>, Never>?
        var result: Result<T, BlockingIOError<Failure>>?
        var done = false
        var timer: TimerBox?
    }

    /// Dispatch sources are thread-safe; the box only lets one cross into the lock.
    private final class TimerBox: @unchecked Sendable {
        let source: any DispatchSourceTimer
        init(_ source: any DispatchSourceTimer) { self.source = source }
    }

    private let state = Mutex(State())

    /// A serial queue of its own (served by an overcommit thread), so time limits fire even when the
    /// cooperative pool and the global queues are busy.
    private static var timerQueue: DispatchQueue { BlockingIOTimers.queue }

    func install(_ continuation: CheckedContinuation<Result<T, BlockingIOError<Failure>>, Never>) {
        let early = state.withLock { state -> Result<T, BlockingIOError<Failure>>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    func finish(_ result: Result<T, BlockingIOError<Failure>>) {
        let (continuation, timer) = state.withLock { state -> (CheckedContinuation<Result<T, BlockingIOError<Failure>>, Never>?, TimerBox?) in
            guard !state.done else { return (nil, nil) }
            state.done = true
            defer {
                state.continuation = nil
                state.timer = nil
            }
            if state.continuation == nil { state.result = result }
            return (state.continuation, state.timer)
        }
        timer?.source.cancel()
        continuation?.resume(returning: result)
    }

    /// Answers `.timedOut` after `timeout` unless the job finished first; `onTimeout` tells the job.
    func startTimer(_ timeout: Duration, onTimeout: @escaping @Sendable () -> Void) {
        let timer = DispatchSource.makeTimerSource(queue: Self.timerQueue)
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds) > Int64.max / 1_000_000_000 ? Int64.max
            : max(0, seconds) * 1_000_000_000 + max(0, attoseconds / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)))
        timer.setEventHandler { [self] in
            onTimeout()
            finish(.failure(.timedOut))
        }
        // A dispatch source must never be released while suspended: resume it first, and cancel it at
        // once if the job finished in the meantime.
        timer.resume()
        let box = TimerBox(timer)
        let installed = state.withLock { state -> Bool in
            guard !state.done else { return false }
            state.timer = box
            return true
        }
        if !installed { timer.cancel() }
    }
}

/// The queue on which every pool's time limits fire.
private enum BlockingIOTimers {
    static let queue = DispatchQueue(label: "blocking-io-timers")
}
