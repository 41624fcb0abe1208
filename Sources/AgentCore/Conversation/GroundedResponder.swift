import Foundation
import Wire

/// The built-in language model: composes answers from the clinic's own passages and configuration, with no
/// network. It picks the sentences of the retrieved passages that share the most words with the question
/// (for a price question, sentences with amounts first), frames them in the clinic's voice (the persona's
/// name on the first turn) in the patient's language, and never states a price, phone or date that is not
/// in its sources: everything it says is quoted from a passage or the company's configuration.
public struct GroundedResponder: Sendable {
    public init() {}

    /// The language of a patient's message: `en` or `es` by function words; `fallback` (the conversation's
    /// language so far) when the message does not tell ("ID 44556677", "sí").
    public static func language(of text: String, fallback: String = "es") -> String {
        let words = RouterText(text).words
        let english: Set<String> = ["the", "is", "are", "do", "does", "how", "what", "can", "i", "my", "you", "your", "a", "an", "of", "to",
                                    "in", "for", "and", "with", "after", "when", "much", "have", "it", "im", "ive", "cant", "please", "hi", "hello", "at", "on",
                                    "yes", "pm", "am", "is", "id", "like", "would", "name", "phone", "book", "thanks", "next", "this"]
        let spanish: Set<String> = ["el", "la", "los", "las", "es", "de", "que", "en", "y", "para", "con", "por", "un", "una", "mi", "me", "se",
                                    "cuanto", "como", "cuando", "tengo", "hay", "tienen", "hola", "quiero", "puedo", "del", "al", "lo"]
        let en = words.filter { english.contains($0) }.count, es = words.filter { spanish.contains($0) }.count
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
        for (position, passage) in passages.prefix(4).enumerated() {
            let framing = Set(RouterText(passage.heading + " " + passage.title).words)
            for (order, sentence) in Self.sentences(of: passage.content).enumerated() {
                let words = Set(RouterText(sentence).words)
                let relevance = Double(asked.intersection(words).count) + Double(topicWords.intersection(words).count) * 0.5
                    + Double(asked.union(topicWords).intersection(framing).count) * 0.5
                guard relevance > 0 else { continue }
                var score = relevance
                if asksPrice, sentence.contains(where: \.isNumber), sentence.contains("€") || sentence.contains("$") || RouterText(sentence).contains("euros")
                    || RouterText(sentence).contains("pesos") {
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
            for character in line {
                current.append(character)
                if ".!?".contains(character), current.count > 20 {
                    result.append(current)
                    current = ""
                }
            }
            if !current.trimmingCharacters(in: .whitespaces).isEmpty { result.append(current) }
        }
        return result.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "-*•")).trimmingCharacters(in: .whitespaces) }
            .filter { $0.count >= 8 }
    }

    /// The greeting of a first turn.
    public func greeting(company: Company, language: String) -> String {
        language == "en" ? "Hi! I'm \(company.salesAgentName) from \(company.companyName). "
            : "¡Hola! Soy \(company.salesAgentName), de \(company.companyName). "
    }
}
