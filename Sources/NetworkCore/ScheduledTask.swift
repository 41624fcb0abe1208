import Synchronization

/// A task scheduled on an event loop at a deadline; cancel it to keep it from running.
///
/// A cancelled task is dropped from its loop's timer heap: the loop counts cancellations and, once they
/// are more than half of the heap, rebuilds it without them, so memory follows the live timers, not the
/// rate at which timers are cancelled times their deadline.
public final class ScheduledTask: Sendable {
    let deadline: UInt64
    private let action: Mutex<(@Sendable () -> Void)?>
    private let cancellations: TimerCancellations

    init(deadline: UInt64, cancellations: TimerCancellations, action: @escaping @Sendable () -> Void) {
        self.deadline = deadline
        self.cancellations = cancellations
        self.action = Mutex(action)
    }

    /// Prevents the task from running if it has not run yet. Safe from any thread.
    public func cancel() {
        if action.withLock({ $0.take() }) != nil { cancellations.count.add(1, ordering: .relaxed) }
    }

    /// Whether the task will still run.
    var isPending: Bool { action.withLock { $0 != nil } }

    /// Runs the task unless it was cancelled (at most once).
    func fire() {
        if let action = action.withLock({ $0.take() }) { action() }
    }
}

/// Cancellations not yet swept from a loop's timer heap.
final class TimerCancellations: Sendable {
    let count = Atomic<Int>(0)
}

/// A binary min-heap of scheduled tasks ordered by deadline (loop thread only).
struct TimerHeap {
    private var items: [ScheduledTask] = []

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }
    var earliest: UInt64? { items.first?.deadline }

    mutating func push(_ task: ScheduledTask) {
        items.append(task)
        siftUp(items.count - 1)
    }

    mutating func popDue(now: UInt64) -> ScheduledTask? {
        guard let first = items.first, first.deadline <= now else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            siftDown(0)
        }
        return first
    }

    /// Drops the tasks that were cancelled and restores the heap order (O(n)).
    mutating func removeCancelled() {
        items.removeAll { !$0.isPending }
        var index = items.count / 2
        while index > 0 {
            index -= 1
            siftDown(index)
        }
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = parent * 2 + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left].deadline < items[smallest].deadline { smallest = left }
            if right < items.count && items[right].deadline < items[smallest].deadline { smallest = right }
            if smallest == parent { return }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
