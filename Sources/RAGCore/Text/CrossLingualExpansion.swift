/// Query expansion for a dense model when a patient asks in another language than the clinic's documents.
///
/// Multilingual models place a question closer to passages in its own language than to passages in
/// another language that answer it (a known language bias: an English question about whitening prices
/// ranks an English page on "payments for international patients" above the Spanish price list). When
/// the query's language differs from the documents' language, the words of every ``BilingualLexicon``
/// group that a query word belongs to are appended to the text the model embeds, so the query vector
/// carries the concepts in both languages. The keyword half is not expanded (the lexicon's concept terms
/// already bridge it), and neither are queries in the documents' own language.
public enum CrossLingualExpansion {
    /// Frequent function words that tell English from Spanish (folded); shared words are left out.
    static let english: Set<String> = [
        "the", "a", "an", "is", "are", "was", "do", "does", "did", "how", "what", "which", "who", "why", "can", "could", "should", "would",
        "will", "i", "my", "me", "you", "your", "we", "our", "it", "its", "of", "to", "in", "on", "for", "and", "or", "with", "after",
        "before", "when", "where", "there", "this", "that", "have", "has", "much", "many", "long", "any", "from", "get", "at", "be",
    ]
    static let spanish: Set<String> = [
        "el", "la", "los", "las", "es", "son", "de", "del", "al", "que", "en", "y", "o", "para", "con", "por", "un", "una", "unos", "mi",
        "mis", "me", "se", "te", "tu", "su", "lo", "le", "les", "nos", "puedo", "puede", "cuanto", "cuanta", "como", "cuando", "donde",
        "despues", "antes", "tengo", "tiene", "hay", "esta", "estoy", "este", "esto", "pero", "si", "mas", "muy", "hace", "hacer",
    ]

    /// `en` or `es` by the function words of `text`, nil when it has too few to tell.
    static func language(of text: String) -> String? {
        var english = 0, spanish = 0
        for word in TextFolding.fold(text).split(separator: " ") {
            let word = String(word)
            if Self.english.contains(word) { english += 1 }
            if Self.spanish.contains(word) { spanish += 1 }
        }
        guard english != spanish else { return nil }
        return english > spanish ? "en" : "es"
    }

    /// Whether `query` is in another language than documents in `documentLanguage`.
    public static func isForeign(_ query: String, documentLanguage: String?) -> Bool {
        guard let documentLanguage, let asked = language(of: query) else { return false }
        return !documentLanguage.lowercased().hasPrefix(asked)
    }

    /// The text a dense model should embed for `query` over documents in `documentLanguage` (an ISO code
    /// such as `es` or `es-ES`; nil: the query as it is).
    public static func text(for query: String, documentLanguage: String?) -> String {
        guard isForeign(query, documentLanguage: documentLanguage) else { return query }
        let analyzed = AnalyzedText(query)
        var groups: [Int] = []
        for (index, stem) in analyzed.stems.enumerated() where !analyzed.isStopWord[index] {
            for group in BilingualLexicon.groupsByStem[stem] ?? [] where !groups.contains(group) { groups.append(group) }
        }
        guard !groups.isEmpty else { return query }
        let present = Set(analyzed.words.map { String(decoding: analyzed.folded[$0], as: UTF8.self) })
        var added: [String] = []
        for group in groups {
            for word in BilingualLexicon.groups[group] where !present.contains(TextFolding.fold(word)) && !added.contains(word) {
                added.append(word)
            }
        }
        return query + " " + added.joined(separator: " ")
    }
}
