import Foundation

/// An inverted index with BM25 scoring (k1 = 1.2, b = 0.75) over stemmed, accent-folded terms.
///
/// Postings are two parallel contiguous arrays per term (slots and term frequencies). Removed slots stay
/// in the postings until the owning ``TenantIndex`` compacts; the caller's `alive` mask skips them, and
/// document frequencies include them until then (a small, bounded skew of the IDF).
struct KeywordIndex {
    static let k1: Float = 1.2
    static let b: Float = 0.75

    private var termIDs: [UInt64: Int32] = [:]
    private var postingSlots: [[Int32]] = []
    private var postingFrequencies: [[UInt16]] = []
    private(set) var lengths: [Float] = []
    private var totalLength: Double = 0
    private var liveCount = 0

    /// Indexes the terms of the next slot (``slotCount`` before the call).
    mutating func append(terms: [UInt64]) {
        let slot = Int32(lengths.count)
        // Term frequencies by sorting (no dictionary per chunk).
        var sorted = terms
        sorted.sort()
        var position = 0
        while position < sorted.count {
            let term = sorted[position]
            var end = position + 1
            while end < sorted.count && sorted[end] == term { end += 1 }
            let frequency = UInt16(min(end - position, Int(UInt16.max)))
            position = end
            let id: Int32
            if let existing = termIDs[term] {
                id = existing
            } else {
                id = Int32(postingSlots.count)
                termIDs[term] = id
                postingSlots.append([])
                postingFrequencies.append([])
            }
            postingSlots[Int(id)].append(slot)
            postingFrequencies[Int(id)].append(frequency)
        }
        lengths.append(Float(terms.count))
        totalLength += Double(terms.count)
        liveCount += 1
    }

    /// Takes a removed slot's length out of the average.
    mutating func removed(slot: Int) {
        totalLength -= Double(lengths[slot])
        liveCount -= 1
    }

    var slotCount: Int { lengths.count }
    var termCount: Int { postingSlots.count }

    /// Adds each live slot's BM25 score for `terms` (deduplicated) into `scores`.
    func accumulate(_ terms: [UInt64], alive: [Bool], allowed: [Bool]?, into scores: inout [Float]) {
        guard liveCount > 0 else { return }
        let average = Float(max(1, totalLength / Double(liveCount)))
        let n = Float(liveCount)
        var seen = Set<Int32>()
        let k1 = Self.k1, b = Self.b
        scores.withUnsafeMutableBufferPointer { output in
            lengths.withUnsafeBufferPointer { lengths in
                alive.withUnsafeBufferPointer { alive in
                    for term in terms {
                        guard let id = termIDs[term], seen.insert(id).inserted else { continue }
                        let slots = postingSlots[Int(id)], frequencies = postingFrequencies[Int(id)]
                        let df = Float(slots.count)
                        let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                        guard idf > 0 else { continue }
                        for index in slots.indices {
                            let slot = Int(slots[index])
                            guard alive[slot], allowed?[slot] ?? true else { continue }
                            let tf = Float(frequencies[index])
                            output[slot] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[slot] / average))
                        }
                    }
                }
            }
        }
    }

    /// The approximate bytes the postings occupy.
    var byteCount: Int {
        postingSlots.reduce(0) { $0 + $1.capacity * 4 } + postingFrequencies.reduce(0) { $0 + $1.capacity * 2 }
            + termIDs.count * 24 + lengths.capacity * 4
    }
}
