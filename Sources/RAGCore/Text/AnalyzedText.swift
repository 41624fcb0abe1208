/// A text split into folded words with their stems, ready for the keyword index and the built-in embedder.
///
/// `folded` holds every word's folded bytes back to back; `words[i]` is word `i`'s range in it. Stop words
/// are kept in `words` (character n-grams and bigrams see the real sequence) but flagged.
struct AnalyzedText: Sendable {
    /// The folded bytes of every word, back to back.
    var folded: [UInt8] = []
    /// Each word's range in `folded`.
    var words: [Range<Int>] = []
    /// Each word's stem hash (see ``LightStemmer`` and ``TermHash``).
    var stems: [UInt64] = []
    /// Whether each word is a stop word.
    var isStopWord: [Bool] = []

    /// The analysis of `text`; words longer than 40 bytes are cut there (no real word is longer).
    init(_ text: String) {
        folded.reserveCapacity(text.utf8.count)
        var start = 0
        func close() {
            let end = folded.count
            guard end > start else { return }
            let range = start..<min(end, start + 40)
            if end > range.upperBound { folded.removeSubrange(range.upperBound..<end) }
            let word = folded[range]
            let whole = TermHash.of(word)
            let stop = StopWords.hashes.contains(whole)
            let stemmed = LightStemmer.stemLength(word)
            words.append(range)
            stems.append(stemmed == word.count ? whole : TermHash.of(word.prefix(stemmed)))
            isStopWord.append(stop)
            start = folded.count
        }
        for scalar in text.unicodeScalars {
            if !TextFolding.append(scalar, to: &folded) { close() }
        }
        close()
    }

    /// The terms of the words that are not stop words: each one's stem, followed by the concepts of the
    /// ``BilingualLexicon`` it belongs to.
    var contentStems: [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(stems.count)
        for index in stems.indices where !isStopWord[index] {
            result.append(stems[index])
            if let concepts = BilingualLexicon.concepts[stems[index]] { result.append(contentsOf: concepts) }
        }
        return result
    }
}
