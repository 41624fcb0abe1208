/// The `k` best (score, slot) pairs of a stream, kept in a min-heap: O(n log k), no allocation per item.
struct TopK {
    private(set) var heap: [(score: Float, slot: Int32)] = []
    let k: Int

    init(_ k: Int) {
        self.k = max(1, k)
        heap.reserveCapacity(self.k)
    }

    /// The lowest score kept, once full (anything not above it cannot enter).
    @inline(__always) var threshold: Float { heap.count < k ? -.infinity : heap[0].score }

    @inline(__always)
    mutating func insert(_ score: Float, _ slot: Int32) {
        if heap.count < k {
            heap.append((score, slot))
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.less(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        } else if Self.less(heap[0], (score, slot)) {
            heap[0] = (score, slot)
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && Self.less(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count && Self.less(heap[right], heap[smallest]) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// Lower score first; on equal scores the higher slot (newer chunk) is the lesser, so ties keep older chunks.
    @inline(__always)
    private static func less(_ a: (score: Float, slot: Int32), _ b: (score: Float, slot: Int32)) -> Bool {
        a.score < b.score || (a.score == b.score && a.slot > b.slot)
    }

    /// Best first.
    func sorted() -> [(score: Float, slot: Int32)] {
        heap.sorted { $0.score > $1.score || ($0.score == $1.score && $0.slot < $1.slot) }
    }
}
