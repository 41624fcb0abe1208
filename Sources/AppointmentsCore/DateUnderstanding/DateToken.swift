import Foundation
import TextFolding

/// One token of a patient's text for the date parser: a word (lower case, accents removed) or a number
/// group (digits with the `:`, `/`, `-` or `.` that join them: `15/12/2026`, `3:30`), with the original
/// text it came from.
struct DateToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case word
        case number
    }

    let kind: Kind
    /// Folded text: `mañana` → `manana`, `Miércoles` → `miercoles`.
    let text: String
    /// As written.
    let original: String

    var isWord: Bool { kind == .word }
    var isNumber: Bool { kind == .number }
    /// The value of a plain number token (digits only).
    var integer: Int? { kind == .number && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) ? Int(text) : nil }

    /// Splits `text` into tokens; a number glued to letters (`10am`, `15h`, `15th`) becomes two tokens.
    static func tokens(of text: String) -> [DateToken] {
        var tokens: [DateToken] = []
        var current = ""
        var currentKind: Kind?
        func flush() {
            guard let kind = currentKind, !current.isEmpty else {
                current = ""
                currentKind = nil
                return
            }
            var trimmed = current
            // A separator that ends a number group is punctuation, not part of the number ("15.").
            while kind == .number, let last = trimmed.last, ":/-.".contains(last) { trimmed.removeLast() }
            if !trimmed.isEmpty { tokens.append(DateToken(kind: kind, text: fold(trimmed), original: trimmed)) }
            current = ""
            currentKind = nil
        }
        let characters = Array(text)
        for (position, character) in characters.enumerated() {
            if character.isNumber && character.isASCII {
                if currentKind == .word { flush() }
                currentKind = .number
                current.append(character)
            } else if character.isLetter {
                if currentKind == .number { flush() }
                currentKind = .word
                current.append(character)
            } else if currentKind == .number, ":/-.".contains(character), position + 1 < characters.count,
                      characters[position + 1].isNumber, characters[position + 1].isASCII {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Lower case without diacritics (`Ñ` → `n`).
    static func fold(_ text: String) -> String {
        LatinFolding.folded(text)
    }
}
