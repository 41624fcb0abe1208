import Foundation

/// An inverted index with BM25 scoring (k1 = 1.2, b = 0.75) over stemmed, accent-folded terms.
///
/// Two parts, like a search engine's segments: a compact base built in one pass when an index is loaded
/// (``build(_:)``: every term's postings contiguous in two flat arrays, found through an offset table),
/// and per-term posting arrays for what is appended afterwards. A search reads both. Building the base
/// sorts (term, slot) pairs instead of appending to thousands of scattered arrays, which is what makes
/// loading 100,000 chunks take a fraction of a second.
///
/// Removed slots stay in the postings until the owning ``TenantIndex`` compacts; the caller's `alive`
/// mask skips them, and document frequencies include them until then (a small, bounded skew of the IDF).
struct KeywordIndex {
    static let k1: Float = 1.2
    static let b: Float = 0.75

    private var termIDs: [UInt64: Int32] = [:]
    // Base: postings of term `t` are baseSlots[baseOffsets[t] ..< baseOffsets[t + 1]] (terms added after
    // the build have none there).
    private var baseOffsets: [Int32] = [0]
    private var baseSlots: [Int32] = []
    private var baseFrequencies: [UInt16] = []
    // Appended since the build.
    private var addedSlots: [[Int32]] = []
    private var addedFrequencies: [[UInt16]] = []
    private(set) var lengths: [Float] = []
    private var totalLength: Double = 0
    private var liveCount = 0

    init() {}

    /// An index of `terms[slot]` for every slot, built in one pass.
    static func build(_ terms: [[UInt64]]) -> KeywordIndex {
        var index = KeywordIndex()
        var pairs: [(term: Int32, slot: Int32, frequency: UInt16)] = []
        pairs.reserveCapacity(terms.reduce(0) { $0 + $1.count })
        index.lengths.reserveCapacity(terms.count)
        for (slot, slotTerms) in terms.enumerated() {
            forEachFrequency(slotTerms) { term, frequency in
                let id: Int32
                if let existing = index.termIDs[term] {
                    id = existing
                } else {
                    id = Int32(index.termIDs.count)
                    index.termIDs[term] = id
                }
                pairs.append((id, Int32(slot), frequency))
            }
            index.lengths.append(Float(slotTerms.count))
            index.totalLength += Double(slotTerms.count)
        }
        index.liveCount = terms.count
        // Counting sort by term (stable, so each term's slots stay ascending).
        let termCount = index.termIDs.count
        var offsets = [Int32](repeating: 0, count: termCount + 1)
        for pair in pairs { offsets[Int(pair.term) + 1] += 1 }
        for term in 0..<termCount { offsets[term + 1] += offsets[term] }
        var cursor = offsets
        var slots = [Int32](repeating: 0, count: pairs.count)
        var frequencies = [UInt16](repeating: 0, count: pairs.count)
        for pair in pairs {
            let position = Int(cursor[Int(pair.term)])
            slots[position] = pair.slot
            frequencies[position] = pair.frequency
            cursor[Int(pair.term)] += 1
        }
        index.baseOffsets = offsets
        index.baseSlots = slots
        index.baseFrequencies = frequencies
        index.addedSlots = Array(repeating: [], count: termCount)
        index.addedFrequencies = Array(repeating: [], count: termCount)
        return index
    }

    /// Calls `body` with each distinct term of `terms` and its frequency (by sorting: no dictionary).
    private static func forEachFrequency(_ terms: [UInt64], _ body: (UInt64, UInt16) -> Void) {
        var sorted = terms
        sorted.sort()
        var position = 0
        while position < sorted.count {
            let term = sorted[position]
            var end = position + 1
            while end < sorted.count && sorted[end] == term { end += 1 }
            body(term, UInt16(min(end - position, Int(UInt16.max))))
            position = end
        }
    }

    /// Indexes the terms of the next slot (``slotCount`` before the call).
    mutating func append(terms: [UInt64]) {
        let slot = Int32(lengths.count)
        Self.forEachFrequency(terms) { term, frequency in
            let id: Int32
            if let existing = termIDs[term] {
                id = existing
            } else {
                id = Int32(addedSlots.count)
                termIDs[term] = id
                addedSlots.append([])
                addedFrequencies.append([])
            }
            addedSlots[Int(id)].append(slot)
            addedFrequencies[Int(id)].append(frequency)
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
    var termCount: Int { termIDs.count }

    /// How many slots hold `term` (removed ones included until the index is compacted); 0 for a term it
    /// has never seen.
    func documentFrequency(of term: UInt64) -> Int {
        guard let id = termIDs[term] else { return 0 }
        let term = Int(id), baseTerms = baseOffsets.count - 1
        let base = term < baseTerms ? Int(baseOffsets[term + 1] - baseOffsets[term]) : 0
        return base + addedSlots[term].count
    }

    /// Adds each live slot's BM25 score for `terms` (deduplicated) into `scores`.
    func accumulate(_ terms: [UInt64], alive: [Bool], allowed: [Bool]?, into scores: inout [Float]) {
        guard liveCount > 0 else { return }
        let average = Float(max(1, totalLength / Double(liveCount)))
        let n = Float(liveCount)
        var seen = Set<Int32>()
        let k1 = Self.k1, b = Self.b
        let baseTerms = baseOffsets.count - 1
        scores.withUnsafeMutableBufferPointer { output in
            lengths.withUnsafeBufferPointer { lengths in
                alive.withUnsafeBufferPointer { alive in
                    @inline(__always) func add(_ slots: UnsafeBufferPointer<Int32>, _ frequencies: UnsafeBufferPointer<UInt16>, idf: Float) {
                        for index in 0..<slots.count {
                            let slot = Int(slots[index])
                            guard alive[slot], allowed?[slot] ?? true else { continue }
                            let tf = Float(frequencies[index])
                            output[slot] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[slot] / average))
                        }
                    }
                    for term in terms {
                        guard let id = termIDs[term], seen.insert(id).inserted else { continue }
                        let term = Int(id)
                        let baseStart = term < baseTerms ? Int(baseOffsets[term]) : 0
                        let baseEnd = term < baseTerms ? Int(baseOffsets[term + 1]) : 0
                        let df = Float(baseEnd - baseStart + addedSlots[term].count)
                        let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                        guard idf > 0 else { continue }
                        baseSlots.withUnsafeBufferPointer { slots in
                            baseFrequencies.withUnsafeBufferPointer { frequencies in
                                add(UnsafeBufferPointer(rebasing: slots[baseStart..<baseEnd]),
                                    UnsafeBufferPointer(rebasing: frequencies[baseStart..<baseEnd]), idf: idf)
                            }
                        }
                        addedSlots[term].withUnsafeBufferPointer { slots in
                            addedFrequencies[term].withUnsafeBufferPointer { frequencies in add(slots, frequencies, idf: idf) }
                        }
                    }
                }
            }
        }
    }

    // MARK: Snapshots

    /// Writes the index (base and appended postings merged, so a reloaded index is all base).
    func write(to writer: SnapshotWriter) {
        var hashes = [UInt64](repeating: 0, count: termIDs.count)
        for (hash, id) in termIDs { hashes[Int(id)] = hash }
        writer.array(hashes)
        let baseTerms = baseOffsets.count - 1
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(hashes.count + 1)
        var slots: [Int32] = []
        var frequencies: [UInt16] = []
        slots.reserveCapacity(baseSlots.count + addedSlots.reduce(0) { $0 + $1.count })
        frequencies.reserveCapacity(slots.capacity)
        for term in 0..<hashes.count {
            if term < baseTerms {
                let range = Int(baseOffsets[term])..<Int(baseOffsets[term + 1])
                slots.append(contentsOf: baseSlots[range])
                frequencies.append(contentsOf: baseFrequencies[range])
            }
            slots.append(contentsOf: addedSlots[term])
            frequencies.append(contentsOf: addedFrequencies[term])
            offsets.append(Int32(slots.count))
        }
        writer.array(offsets)
        writer.array(slots)
        writer.array(frequencies)
        writer.array(lengths)
        writer.f64(totalLength)
        writer.int(liveCount)
    }

    /// An index read back from what ``write(to:)`` wrote, for `slotCount` slots.
    static func read(from reader: inout SnapshotReader, slotCount: Int) throws(SnapshotReader.Corrupt) -> KeywordIndex {
        var index = KeywordIndex()
        let hashes = try reader.array(of: UInt64.self, filler: 0)
        index.baseOffsets = try reader.array(of: Int32.self, filler: 0)
        index.baseSlots = try reader.array(of: Int32.self, filler: 0)
        index.baseFrequencies = try reader.array(of: UInt16.self, filler: 0)
        index.lengths = try reader.array(of: Float.self, filler: 0)
        index.totalLength = try reader.f64()
        index.liveCount = try reader.int()
        // Everything a search will index with must be in range.
        guard index.baseOffsets.count == hashes.count + 1, index.baseOffsets.first == 0,
              index.baseOffsets.last.map(Int.init) == index.baseSlots.count, index.baseFrequencies.count == index.baseSlots.count,
              index.lengths.count == slotCount, index.liveCount <= slotCount,
              zip(index.baseOffsets, index.baseOffsets.dropFirst()).allSatisfy({ $0 <= $1 }),
              index.baseSlots.allSatisfy({ $0 >= 0 && Int($0) < slotCount }) else { throw SnapshotReader.Corrupt() }
        index.termIDs.reserveCapacity(hashes.count)
        for (id, hash) in hashes.enumerated() { index.termIDs[hash] = Int32(id) }
        guard index.termIDs.count == hashes.count else { throw SnapshotReader.Corrupt() }
        index.addedSlots = Array(repeating: [], count: hashes.count)
        index.addedFrequencies = Array(repeating: [], count: hashes.count)
        return index
    }

    /// The approximate bytes the postings occupy.
    var byteCount: Int {
        baseSlots.capacity * 4 + baseFrequencies.capacity * 2 + baseOffsets.capacity * 4
            + addedSlots.reduce(0) { $0 + $1.capacity * 4 + 24 } + addedFrequencies.reduce(0) { $0 + $1.capacity * 2 + 24 }
            + termIDs.count * 24 + lengths.capacity * 4
    }
}
