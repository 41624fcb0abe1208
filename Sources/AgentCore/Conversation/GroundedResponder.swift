import Foundation
import Synchronization
import Wire

/// The sentences of passage texts with their folded words, and the folded words of their titles and
/// headings, kept for the passages retrieved again and again (a clinic's price list answers many questions).
/// Keyed by the text itself: each value is a pure function of its key, so a text two tenants share never
/// tells one anything about the other. At most ``maximumEntries`` texts of each kind are kept (all of that
/// kind are dropped when a new one would pass that).
final class PassageSentences: Sendable {
    struct Sentence: Sendable {
        var text: String
        var words: Set<String>
    }

    static let maximumEntries = 4_096
    private let entries = Mutex<(sentences: [String: [Sentence]], words: [String: Set<String>])>(([:], [:]))

    func sentences(of content: String) -> [Sentence] {
        if let cached = entries.withLock({ $0.sentences[content] }) { return cached }
        let analysed = GroundedResponder.sentences(of: content).map { Sentence(text: $0, words: Set(RouterText($0).words)) }
        entries.withLock { entries in
            if entries.sentences.count >= Self.maximumEntries { entries.sentences.removeAll() }
            entries.sentences[content] = analysed
        }
        return analysed
    }

    func words(of text: String) -> Set<String> {
        if let cached = entries.withLock({ $0.words[text] }) { return cached }
        let words = Set(RouterText(text).words)
        entries.withLock { entries in
            if entries.words.count >= Self.maximumEntries { entries.words.removeAll() }
            entries.words[text] = words
        }
        return words
    }
}

/// The built-in language model: composes answers from the clinic's own passages and configuration, with no
/// network. It picks the sentences of the retrieved passages that share the most words with the question
/// (for a price question, sentences with amounts first), frames them in the clinic's voice (the persona's
/// name on the first turn) in the patient's language, and never states a price, phone or date that is not
/// in its sources: everything it says is quoted from a passage or the company's configuration.
public struct GroundedResponder: Sendable {
    let passageSentences = PassageSentences()

    public init() {}

    /// Function words that tell English from Spanish (folded).
    static let englishWords: Set<String> = ["the", "is", "are", "do", "does", "how", "what", "can", "i", "my", "you", "your", "a", "an", "of", "to",
                                           "in", "for", "and", "with", "after", "when", "much", "have", "it", "im", "ive", "cant", "please", "hi", "hello", "at", "on",
                                           "yes", "pm", "am", "is", "id", "like", "would", "name", "phone", "book", "thanks", "next", "this"]
    static let spanishWords: Set<String> = ["el", "la", "los", "las", "es", "de", "que", "en", "y", "para", "con", "por", "un", "una", "mi", "me", "se",
                                           "cuanto", "como", "cuando", "tengo", "hay", "tienen", "hola", "quiero", "puedo", "del", "al", "lo"]

    /// The language of a patient's message: `en` or `es` by function words; `fallback` (the conversation's
    /// language so far) when the message does not tell ("ID 44556677", "sí").
    public static func language(of text: String, fallback: String = "es") -> String {
        let words = RouterText(text).words
        let en = words.filter { Self.englishWords.contains($0) }.count, es = words.filter { Self.spanishWords.contains($0) }.count
        return en > es ? "en" : es > en ? "es" : fallback
    }

    /// The sentences of `passages` that answer `question` best (at most `limit`, in the passages' order), and
    /// the passages they came from.
    ///
    /// A sentence scores by the question's content words it holds (the previous patient turn's, `topic`, at
    /// half weight, so "¿y el precio?" after a botox question finds the botox price) and, at half weight, those
    /// of its passage's title and heading. For a price question (`preferAmounts` and a price word such as
    /// "cuánto", "precio", "cost"), a sentence with an amount that is about the question gains 2. A sentence
    /// that shares nothing with the question or its topic is never chosen, so an unanswerable question gets
    /// no answer rather than an unrelated price.
    public func select(for question: String, topic: String = "", from passages: [SearchHit], limit: Int = 3,
                       preferAmounts: Bool) -> (sentences: [String], used: [SearchHit]) {
        let questionText = RouterText(question)
        let asked = Set(questionText.words.filter { $0.count > 3 && !Self.stopWords.contains($0) })
        let topicWords = Set(RouterText(topic).words.filter { $0.count > 3 && !Self.stopWords.contains($0) }).subtracting(asked)
        let asksPrice = preferAmounts && (questionText.hasStem(["cuest", "cuant", "preci", "vale", "valor", "tarif", "cost", "price", "pric"])
            || questionText.contains("how much"))
        var candidates: [(score: Double, passage: Int, order: Int, text: String)] = []
        // Counted by membership, without building intersection sets per sentence.
        func shared(_ words: Set<String>, _ with: Set<String>) -> Int { words.reduce(0) { $0 + (with.contains($1) ? 1 : 0) } }
        let askedOrTopic = asked.union(topicWords)
        for (position, passage) in passages.prefix(4).enumerated() {
            let framing = shared(askedOrTopic, passageSentences.words(of: passage.heading + " " + passage.title))
            for (order, analysed) in passageSentences.sentences(of: passage.content).enumerated() {
                let sentence = analysed.text, words = analysed.words
                let relevance = Double(shared(asked, words)) + Double(shared(topicWords, words)) * 0.5 + Double(framing) * 0.5
                guard relevance > 0 else { continue }
                var score = relevance
                if asksPrice, sentence.utf8.contains(where: { (0x30...0x39).contains($0) }),
                   sentence.unicodeScalars.contains(where: { $0 == "€" || $0 == "$" }) || words.contains("euros") || words.contains("pesos") {
                    score += 2
                }
                score -= Double(position) * 0.3
                if score > 0.5 { candidates.append((score, position, order, sentence)) }
            }
        }
        let chosen = candidates.sorted { $0.score > $1.score }.prefix(limit).sorted { ($0.passage, $0.order) < ($1.passage, $1.order) }
        let used = Array(Set(chosen.map(\.passage))).sorted().map { passages[$0] }
        return (chosen.map(\.text), used)
    }

    static let stopWords: Set<String> = ["para", "como", "cuanto", "cuesta", "tienen", "quiero", "saber", "sobre", "what", "does", "have", "much",
                                         "your", "with", "that", "this", "there", "about", "donde", "cual", "cuales", "estan", "puedo", "tengo"]

    /// Sentences of a passage: lines and sentence ends, list markers removed.
    static func sentences(of text: String) -> [String] {
        var result: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var current = ""
            var length = 0
            for character in line {
                current.append(character)
                length += 1
                if character == "." || character == "!" || character == "?", length > 20 {
                    result.append(current)
                    current = ""
                    length = 0
                }
            }
            if current.contains(where: { !$0.isWhitespace }) { result.append(current) }
        }
        return result.map(trimmed).filter { $0.count >= 8 }
    }

    /// A sentence without the spaces and list markers (`-`, `*`, `•`) around it.
    static func trimmed(_ sentence: String) -> String {
        let isPadding: (Character) -> Bool = { $0.isWhitespace || $0 == "-" || $0 == "*" || $0 == "•" }
        guard let start = sentence.firstIndex(where: { !isPadding($0) }), let end = sentence.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(sentence[start...end])
    }

    /// The greeting of a first turn.
    public func greeting(company: Company, language: String) -> String {
        language == "en" ? "Hi! I'm \(company.salesAgentName) from \(company.companyName). "
            : "¡Hola! Soy \(company.salesAgentName), de \(company.companyName). "
    }
}
