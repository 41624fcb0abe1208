import TextFolding

/// The Spanish and English words of dates and times (folded: lower case, no accents), and the tolerant
/// lookup that lets "miercoles", "viernnes" or "tommorow" be understood.
enum DateVocabulary {
    /// Weekday names → ISO weekday (1 = Monday … 7 = Sunday).
    static let weekdays: [String: Int] = [
        "lunes": 1, "martes": 2, "miercoles": 3, "jueves": 4, "viernes": 5, "sabado": 6, "domingo": 7,
        "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
        "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6, "sun": 7,
    ]

    /// Month names → month number; abbreviations count only next to a day number (`15 mar`, `Dec 15th`).
    static let months: [String: Int] = [
        "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9,
        "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
        "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10,
        "november": 11, "december": 12,
    ]
    static let monthAbbreviations: [String: Int] = [
        "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11,
        "dic": 12, "jan": 1, "apr": 4, "aug": 8, "dec": 12,
    ]

    /// Number words up to the ones patients use for "in N days/weeks".
    static let numbers: [String: Int] = [
        "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
        "diez": 10, "once": 11, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30,
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "couple": 2,
    ]

    /// Units of a relative offset → days (months are handled by the calendar).
    static let units: [String: Int] = [
        "dia": 1, "dias": 1, "day": 1, "days": 1, "semana": 7, "semanas": 7, "week": 7, "weeks": 7,
        "mes": 30, "meses": 30, "month": 30, "months": 30,
    ]

    /// Every word the parser looks for, for the tolerant lookup.
    static let keywords: Set<String> = Set(weekdays.keys).union(months.keys).union([
        "manana", "tomorrow", "today", "pasado", "proximo", "proxima", "siguiente", "semana", "semanas", "mediodia", "medianoche",
        "midnight", "afternoon", "morning", "evening", "tonight", "yesterday", "dentro", "next", "this",
    ])

    /// The keywords a misspelling can stand for (five letters or more), as UTF-8 with their length, in
    /// alphabetical order so that ties between equally close keywords always go the same way.
    static let correctable: [(word: String, utf8: [UInt8], length: Int)] = keywords.filter { $0.count >= 5 }.sorted()
        .map { ($0, Array($0.utf8), $0.count) }

    /// `word` as a keyword: itself, or the keyword it misspells (one edit for words of 5–6 letters, two for
    /// longer ones; a swap of neighbours counts as one edit; the alphabetically first of equally close ones).
    /// Short words must be exact.
    static func corrected(_ word: String) -> String {
        let length = word.count
        if length < 5 || keywords.contains(word) { return word }
        let budget = length >= 7 ? 2 : 1
        let letters = Array(word.utf8)
        var best: (word: String, distance: Int)?
        for keyword in correctable where abs(keyword.length - length) <= budget {
            let distance = EditDistance.optimalStringAlignment(letters, keyword.utf8, limit: budget)
            if distance <= budget, best.map({ distance < $0.distance }) ?? true { best = (keyword.word, distance) }
        }
        return best?.word ?? word
    }
}
