import Foundation
import TextFolding

/// A patient message prepared for the router: folded words (lower case, no accents, `ñ` → `n`), common
/// abbreviations expanded ("q" → "que", "xq" → "porque", "tmrw" → "tomorrow", "appt" → "appointment"), and
/// the raw digit groups (IDs, phones) kept apart.
struct RouterText: Sendable {
    let words: [String]
    /// The words joined by single spaces, with a space at both ends, for phrase lookups (" me cuesta respirar ").
    let padded: String
    /// `padded` as UTF-8, for phrase search.
    let paddedBytes: [UInt8]
    /// Digit groups of the message (a phone "+34 600 111 222" gives one group per run of digits).
    let numbers: [String]
    let hasEmail: Bool
    let isQuestion: Bool

    static let abbreviations: [String: String] = [
        "q": "que", "k": "que", "xq": "porque", "pq": "porque", "porq": "porque", "tb": "tambien", "tmb": "tambien", "x": "por",
        "d": "de", "pa": "para", "dnd": "donde", "cdo": "cuando", "info": "informacion", "tel": "telefono", "hrs": "horas",
        "tmrw": "tomorrow", "tmr": "tomorrow", "2moro": "tomorrow", "appt": "appointment", "appts": "appointments", "pls": "please",
        "plz": "please", "u": "you", "ur": "your", "r": "are", "thx": "thanks", "wknd": "weekend", "asap": "urgent", "hr": "hour",
        "muxo": "mucho", "mxo": "mucho", "mcho": "mucho", "dsd": "desde", "dsp": "despues", "dps": "despues", "xfa": "por favor", "porfa": "por favor",
        "n": "and", "cuant": "cuanto", "cuanot": "cuanto", "tmbn": "tambien", "oy": "hoy", "ke": "que", "bn": "bien", "tngo": "tengo",
        "nesecito": "necesito", "nececito": "necesito", "kiero": "quiero", "qiero": "quiero", "kuanto": "cuanto",
        "hw": "how", "wat": "what", "wats": "whats", "botx": "botox", "thurs": "thursday", "fri": "friday", "aft": "afternoon", "anythin": "anything",
        "whitenin": "whitening", "availble": "available", "avail": "available", "nesesito": "necesito", "sesion": "sesion", "seciones": "sesiones",
    ]

    init(_ text: String) {
        let folded = LatinFolding.folded(text)
        var words: [String] = []
        var numbers: [String] = []
        var current = String.UnicodeScalarView()
        var digits = String.UnicodeScalarView()
        // Scalar by scalar (the folded text has no accents left): a word is a run of letters, with the marks
        // that follow a letter (scripts other than Latin) kept in it, as a `Character` would keep them.
        for scalar in folded.unicodeScalars {
            // "can't", "I've", "it's" are one word each.
            if scalar == "'" || scalar == "\u{2019}" { continue }
            let value = scalar.value
            let isLetter: Bool
            if value < 0x80 {
                isLetter = (0x61...0x7A).contains(value) || (0x41...0x5A).contains(value)
            } else {
                let properties = scalar.properties
                switch properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark: isLetter = properties.isAlphabetic || !current.isEmpty
                default: isLetter = properties.isAlphabetic
                }
            }
            if isLetter {
                current.append(scalar)
            } else {
                if !current.isEmpty { words.append(String(current)) }
                current = String.UnicodeScalarView()
            }
            if (0x30...0x39).contains(value) {
                digits.append(scalar)
            } else if !digits.isEmpty {
                numbers.append(String(digits))
                digits = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        if !digits.isEmpty { numbers.append(String(digits)) }
        self.words = words.map { RouterText.abbreviations[$0] ?? $0 }
        padded = " " + self.words.joined(separator: " ") + " "
        paddedBytes = Array(padded.utf8)
        self.numbers = numbers
        hasEmail = text.utf8.contains(UInt8(ascii: "@")) && text.utf8.contains(UInt8(ascii: "."))
        isQuestion = text.utf8.contains(UInt8(ascii: "?")) || text.unicodeScalars.contains("¿")
    }

    /// Whether the words hold `phrase` (folded words separated by single spaces) as whole words: a byte
    /// search for the phrase with a space on both sides, without building the padded needle.
    func contains(_ phrase: String) -> Bool {
        var phrase = phrase
        return phrase.withUTF8 { needle -> Bool in
            let count = needle.count
            guard count > 0, count + 2 <= paddedBytes.count else { return false }
            return paddedBytes.withUnsafeBufferPointer { haystack -> Bool in
                let first = needle[0], last = haystack.count - count - 1
                var position = 1
                while position <= last {
                    if haystack[position] == first, haystack[position - 1] == 0x20, haystack[position + count] == 0x20 {
                        var index = 1
                        while index < count, haystack[position + index] == needle[index] { index += 1 }
                        if index == count { return true }
                    }
                    position += 1
                }
                return false
            }
        }
    }

    /// Whether any word starts with one of the stems ("hinch" finds hinchado, hinchazón, hinchada).
    func hasStem(_ stems: [String]) -> Bool { words.contains { word in stems.contains { word.hasPrefix($0) } } }

    func count(_ phrases: [String]) -> Int { phrases.reduce(0) { $0 + (contains($1) ? 1 : 0) } }
}
