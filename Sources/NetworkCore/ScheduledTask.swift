import Synchronization

/// A task scheduled on an event loop at a deadline; cancel it to keep it from running.
public final class ScheduledTask: Sendable {
    let deadline: UInt64
    private let action: Mutex<(@Sendable () -> Void)?>

    init(deadline: UInt64, action: @escaping @Sendable () -> Void) {
        self.deadline = deadline
        self.action = Mutex(action)
    }

    /// Prevents the task from running if it has not run yet. Safe from any thread.
    public func cancel() { _ = action.withLock { $0.take() } }

    /// Runs the task unless it was cancelled (at most once).
    func fire() {
        if let action = action.withLock({ $0.take() }) { action() }
    }
}

/// A binary min-heap of scheduled tasks ordered by deadline (loop thread only).
struct TimerHeap {
    private var items: [ScheduledTask] = []

    var isEmpty: Bool { items.isEmpty }
    var earliest: UInt64? { items.first?.deadline }

    mutating func push(_ task: ScheduledTask) {
        items.append(task)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popDue(now: UInt64) -> ScheduledTask? {
        guard let first = items.first, first.deadline <= now else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = parent * 2 + 1
                let right = left + 1
                var smallest = parent
                if left < items.count && items[left].deadline < items[smallest].deadline { smallest = left }
                if right < items.count && items[right].deadline < items[smallest].deadline { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
