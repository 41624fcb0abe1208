import CLinux
import Foundation
import Glibc
import Synchronization

/// Something registered with an event loop's epoll set. Its methods run on the loop thread only.
protocol Selectable: AnyObject {
    /// Handles readiness flags (`EPOLLIN`, `EPOLLOUT`, ...) reported for this registration.
    func handleEvents(_ events: UInt32)
}

/// One thread running an epoll loop: I/O readiness, tasks submitted from other threads, and timers.
///
/// Every registered socket is added to epoll once, edge-triggered for both directions, and never
/// modified on the hot path. Other threads submit work with ``execute(_:)`` and ``schedule(after:_:)``;
/// the loop is only woken (one `eventfd` write) when it is asleep and the work is due before it would
/// wake anyway.
public final class EventLoop: @unchecked Sendable {
    private struct Pending {
        var tasks: [@Sendable () -> Void] = []
        var jobs: [UnownedJob] = []
        var timers: [ScheduledTask] = []
        /// When the loop sleeps in `epoll_wait`: the deadline it sleeps until (`.max` = indefinitely).
        /// Zero while it is awake and will look at pending work before sleeping again.
        var sleepingUntil: UInt64 = 0
        var stopping = false
    }

    private let epollFD: Int32
    private let wakeFD: Int32
    private let pending = Mutex(Pending())
    private let threadID = Atomic<UInt>(0)
    private let finished = DispatchSemaphore(value: 0)

    // Loop-thread state (exclusivity checks skipped: only the loop thread touches it).
    @exclusivity(unchecked) private var registrations: [UInt64: any Selectable] = [:]
    @exclusivity(unchecked) private var flushQueue: [Channel] = []
    @exclusivity(unchecked) private var timers = TimerHeap()
    private let cancellations = TimerCancellations()
    private let nextRegistrationID = Atomic<UInt64>(1)
    private var thread: Thread?

    /// A short name for logs and thread names.
    public let name: String

    /// Creates and starts a loop on a new thread.
    public init(name: String) throws(NetworkError) {
        self.name = name
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollFD >= 0 else { throw .io(.last("epoll_create1")) }
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard wakeFD >= 0 else {
            Glibc.close(epollFD)
            throw .io(.last("eventfd"))
        }
        guard CLinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, CLinux_EPOLLIN, 0) == 0 else {
            Glibc.close(epollFD)
            Glibc.close(wakeFD)
            throw .io(.last("epoll_ctl"))
        }
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    /// Whether the caller is running on this loop's thread.
    public var inEventLoop: Bool { threadID.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self())) }

    // MARK: Submitting work

    /// Runs `task` on the loop thread, soon. Safe from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        let wake = pending.withLock { state -> Bool in
            state.tasks.append(task)
            return state.sleepingUntil != 0
        }
        if wake { wakeUp() }
    }

    /// Runs `task` on the loop thread after `delay`. Safe from any thread.
    @discardableResult
    public func schedule(after delay: Duration, _ task: @escaping @Sendable () -> Void) -> ScheduledTask {
        schedule(atNanoseconds: MonotonicTime.now() &+ MonotonicTime.nanoseconds(delay), task)
    }

    /// Runs `task` on the loop thread at a ``MonotonicTime`` deadline. Safe from any thread.
    @discardableResult
    public func schedule(atNanoseconds deadline: UInt64, _ task: @escaping @Sendable () -> Void) -> ScheduledTask {
        let scheduled = ScheduledTask(deadline: deadline, cancellations: cancellations, action: task)
        let wake = pending.withLock { state -> Bool in
            state.timers.append(scheduled)
            return state.sleepingUntil != 0 && deadline < state.sleepingUntil
        }
        if wake { wakeUp() }
        return scheduled
    }

    /// Queues a Swift concurrency job (see the `TaskExecutor` conformance).
    fileprivate func enqueueJob(_ job: UnownedJob) {
        let wake = pending.withLock { state -> Bool in
            state.jobs.append(job)
            return state.sleepingUntil != 0
        }
        if wake { wakeUp() }
    }

    /// Asks the loop to flush `channel`'s pending writes at the end of this iteration, so that several
    /// writes made on the loop thread leave in one system call (loop thread only).
    func deferFlush(_ channel: Channel) {
        flushQueue.append(channel)
    }

    private func wakeUp() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Whether the loop is asleep in `epoll_wait` with nothing scheduled (tests wait for this state).
    var isAsleepIndefinitely: Bool { pending.withLock { $0.sleepingUntil == .max } }

    /// The number of timers in the loop's heap (cancelled ones not yet swept included), read on the loop.
    public func timerCount() async -> Int {
        await withCheckedContinuation { continuation in
            execute { [self] in continuation.resume(returning: timers.count) }
        }
    }

    // MARK: Registration (loop thread)

    /// Adds `fd` to the epoll set, edge-triggered for reads, writes and peer hang-up.
    func register(_ selectable: any Selectable, fd: Int32) throws(NetworkError) -> UInt64 {
        let id = nextRegistrationID.add(1, ordering: .relaxed).newValue
        let events = CLinux_EPOLLIN | CLinux_EPOLLOUT | CLinux_EPOLLRDHUP | CLinux_EPOLLET
        guard CLinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, events, id) == 0 else {
            throw .io(.last("epoll_ctl"))
        }
        registrations[id] = selectable
        return id
    }

    /// Adds a listening socket (level-triggered reads only: the accept loop drains it anyway).
    func registerListener(_ selectable: any Selectable, fd: Int32) throws(NetworkError) -> UInt64 {
        let id = nextRegistrationID.add(1, ordering: .relaxed).newValue
        guard CLinux_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, CLinux_EPOLLIN, id) == 0 else {
            throw .io(.last("epoll_ctl"))
        }
        registrations[id] = selectable
        return id
    }

    /// Removes a registration. Call before closing the descriptor.
    func deregister(id: UInt64, fd: Int32) {
        _ = CLinux_epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, 0, 0)
        registrations[id] = nil
    }

    // MARK: Lifecycle

    /// Stops the loop after the work already submitted and waits for its thread to end.
    /// Must not be called from the loop thread itself.
    public func shutdown() {
        let alreadyStopping = pending.withLock { state -> Bool in
            defer { state.stopping = true }
            return state.stopping
        }
        if alreadyStopping { return }
        wakeUp()
        if !inEventLoop { finished.wait() }
    }

    private func run() {
        // Foundation's Thread.name does not reach the kernel on Linux: name the thread for top, perf, /proc.
        let threadName = name.utf8.prefix(15).map { CChar(bitPattern: $0) } + [0]
        threadName.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = CLinux_set_thread_name(base) }
        }
        threadID.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .relaxed)
        let capacity = 256
        var events = [UInt32](repeating: 0, count: capacity)
        var data = [UInt64](repeating: 0, count: capacity)
        var stop = false
        let executor = asUnownedTaskExecutor()
        while !stop {
            // 1. Run submitted work and jobs, including the work they submit, a bounded number of rounds.
            var stopping = false
            var ranWork = false
            for _ in 0..<16 {
                let (tasks, jobs, newTimers, isStopping) = pending.withLock { state in
                    defer {
                        state.tasks.removeAll(keepingCapacity: true)
                        state.jobs.removeAll(keepingCapacity: true)
                        state.timers.removeAll(keepingCapacity: true)
                    }
                    return (state.tasks, state.jobs, state.timers, state.stopping)
                }
                stopping = isStopping
                for timer in newTimers { timers.push(timer) }
                for task in tasks { task() }
                for job in jobs { job.runSynchronously(on: executor) }
                ranWork = ranWork || !tasks.isEmpty || !jobs.isEmpty
                if tasks.isEmpty && jobs.isEmpty { break }
            }
            // 2. Fire due timers; sweep cancelled ones once they are most of the heap.
            let now = MonotonicTime.now()
            while let due = timers.popDue(now: now) { due.fire() }
            let cancelled = cancellations.count.load(ordering: .relaxed)
            if cancelled >= 64 && cancelled * 2 >= timers.count {
                cancellations.count.subtract(cancelled, ordering: .relaxed)
                timers.removeCancelled()
            }
            // 3. Send what was written on this thread during the iteration.
            if !flushQueue.isEmpty {
                let channels = flushQueue
                flushQueue.removeAll(keepingCapacity: true)
                for channel in channels { channel.flushDeferred() }
            }
            if stopping && !ranWork { stop = true; break }
            // 4. Decide how long to sleep; sleep only if nothing arrived meanwhile.
            let deadline = timers.earliest ?? .max
            let timeout: Int32
            if deadline == .max {
                timeout = -1
            } else {
                let remaining = deadline > now ? deadline - now : 0
                timeout = Int32(min((remaining + 999_999) / 1_000_000, 60_000))
            }
            let mayBlock = pending.withLock { state -> Bool in
                guard state.tasks.isEmpty && state.jobs.isEmpty && state.timers.isEmpty && !state.stopping else {
                    return false
                }
                state.sleepingUntil = deadline
                return true
            }
            let count = events.withUnsafeMutableBufferPointer { eventsBuffer in
                data.withUnsafeMutableBufferPointer { dataBuffer in
                    CLinux_epoll_wait(epollFD, eventsBuffer.baseAddress, dataBuffer.baseAddress, Int32(capacity),
                                      mayBlock ? timeout : 0)
                }
            }
            if mayBlock { pending.withLock { $0.sleepingUntil = 0 } }
            guard count > 0 else { continue }
            for index in 0..<Int(count) {
                let id = data[index]
                if id == 0 {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                    continue
                }
                registrations[id]?.handleEvents(events[index])
            }
        }
        // Close whatever is still registered, then release the loop's descriptors.
        for (_, selectable) in registrations { (selectable as? Channel)?.closeNow(error: NetworkError.closed) }
        for (_, selectable) in registrations { (selectable as? Listener)?.closeNow() }
        registrations.removeAll()
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
        finished.signal()
    }
}

/// The loop is also a Swift concurrency task executor: tasks created with
/// `Task(executorPreference: loop)` run on the loop thread, so a handler that reads a request and writes
/// a response never changes threads, and its writes are batched with the loop's other output.
extension EventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueueJob(UnownedJob(job))
    }
}
