import TextFolding

/// The stems an index holds, for typo-tolerant keyword queries: a query word the index has never seen
/// ("idrafacial", "inplante", "profilo") is matched to the indexed stems one edit away ("hidrafacial",
/// "implant", "profhil"), as search engines' fuzzy matching does.
///
/// Lookups go through a deletion index (the SymSpell method): every stem is filed under its own hash and
/// under the hash of each of its one-byte deletions; a query stem's candidates are the entries under its
/// hash and its deletions' hashes, which covers an insertion, a deletion, a substitution and a swap of
/// neighbours. Each candidate is then checked with the real distance (optimal string alignment), so hash
/// collisions never match. Only stems of at least ``minimumLength`` bytes take part: shorter stems are
/// too close to each other for one edit to mean a typo (over the words of the retrieval fixtures' queries
/// that no document holds, most five-byte stems one edit from an indexed one were other words —
/// "cuest" → "cuent", "pierd" → "piern", "siest" → "sient" — while most longer ones were the typo or the
/// inflection they looked like: "secion" → "sesion", "rellenarm" → "rellenar", "radiofrequenci" →
/// "radiofrecuenci").
struct TermVocabulary: Sendable {
    static let minimumLength = 6
    /// Words longer than this are cut by ``AnalyzedText``; their stems are never longer.
    static let maximumLength = 40

    private var stems: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var known: Set<UInt64> = []
    /// Hash of a stem or of one of its one-byte deletions → the stems filed under it.
    private var candidates: [UInt64: [Int32]] = [:]

    /// Adds every stem of `analyzed` that is long enough and not yet known.
    mutating func insert(_ analyzed: AnalyzedText) {
        for (position, range) in analyzed.words.enumerated() where !analyzed.isStopWord[position] {
            let word = analyzed.folded[range]
            let length = LightStemmer.stemLength(word)
            guard length >= Self.minimumLength, !word.prefix(length).contains(where: { (0x30...0x39).contains($0) }) else { continue }
            let hash = analyzed.stems[position]
            guard known.insert(hash).inserted else { continue }
            let stem = Array(word.prefix(length))
            let id = Int32(stems.count)
            stems.append(stem)
            hashes.append(hash)
            candidates[hash, default: []].append(id)
            Self.forEachDeletion(of: stem) { candidates[$0, default: []].append(id) }
        }
    }

    /// The stem hashes within one edit of `stem` (two for stems of eight bytes or more, when each side
    /// loses one byte), with the most frequent first by `frequency`; empty for a stem the vocabulary holds.
    func corrections(of stem: ArraySlice<UInt8>, frequency: (UInt64) -> Int) -> [UInt64] {
        guard stem.count >= Self.minimumLength, stem.count <= Self.maximumLength else { return [] }
        let word = Array(stem)
        var seen = Set<Int32>()
        var found: [(hash: UInt64, frequency: Int)] = []
        let limit = word.count >= 8 ? 2 : 1
        func consider(_ key: UInt64) {
            for id in candidates[key] ?? [] where seen.insert(id).inserted {
                let candidate = stems[Int(id)]
                guard abs(candidate.count - word.count) <= limit, EditDistance.optimalStringAlignment(word, candidate, limit: limit) <= limit else { continue }
                let count = frequency(hashes[Int(id)])
                if count > 0 { found.append((hashes[Int(id)], count)) }
            }
        }
        consider(TermHash.of(word[...]))
        Self.forEachDeletion(of: word) { consider($0) }
        return found.sorted { $0.frequency != $1.frequency ? $0.frequency > $1.frequency : $0.hash < $1.hash }.map(\.hash)
    }

    /// Calls `body` with the hash of each distinct one-byte deletion of `word`.
    private static func forEachDeletion(of word: [UInt8], _ body: (UInt64) -> Void) {
        var previous: UInt8?
        for position in word.indices {
            // Deleting either byte of a doubled letter gives the same word.
            if word[position] == previous { continue }
            previous = word[position]
            let prefix = TermHash.of(word[..<position])
            body(TermHash.of(word[(position + 1)...], seed: prefix))
        }
    }
}
