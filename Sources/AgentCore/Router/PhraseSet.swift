/// Phrases (word sequences) indexed by their first word, so a message is matched against hundreds of them
/// in one pass over its words, without building strings.
struct PhraseSet: Sendable {
    private let byFirstWord: [String: [[String]]]

    init(_ phrases: [String]) {
        var index: [String: [[String]]] = [:]
        for phrase in phrases {
            let words = phrase.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            index[first, default: []].append(words)
        }
        byFirstWord = index
    }

    /// Every phrase that occurs in `words` (once each, in order of first occurrence).
    func matches(in words: [String]) -> [[String]] {
        var found: [[String]] = []
        for start in words.indices {
            guard let candidates = byFirstWord[words[start]] else { continue }
            for phrase in candidates where start + phrase.count <= words.count && !found.contains(phrase) {
                if zip(phrase, words[start...]).allSatisfy({ $0 == $1 }) { found.append(phrase) }
            }
        }
        return found
    }

    func occurs(in words: [String]) -> Bool {
        for start in words.indices {
            guard let candidates = byFirstWord[words[start]] else { continue }
            for phrase in candidates where start + phrase.count <= words.count {
                if zip(phrase, words[start...]).allSatisfy({ $0 == $1 }) { return true }
            }
        }
        return false
    }

    func first(in words: [String]) -> String? {
        for start in words.indices {
            guard let candidates = byFirstWord[words[start]] else { continue }
            for phrase in candidates where start + phrase.count <= words.count {
                if zip(phrase, words[start...]).allSatisfy({ $0 == $1 }) { return phrase.joined(separator: " ") }
            }
        }
        return nil
    }
}
