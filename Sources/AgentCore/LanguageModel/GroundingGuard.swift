import Foundation

/// Checks a model's answer against what it was given: every price, phone number and date it states must
/// appear in the grounding texts (the retrieved passages, the company configuration, the appointment data,
/// the built-in answer). An answer with any other such fact is refused, and the built-in grounded answer is
/// used instead.
///
/// - **prices**: numbers next to a currency (`€`, `$`, `£`, euros, dólares, pesos, USD, EUR, COP, MXN), "mil"
///   multiplying; compared by value with every number of the grounding ("1.200 €" = "1200 euros"); thousand
///   and decimal separators are told apart by the digits after them (three: thousands);
/// - **phone numbers**: runs of 7 or more digits with spaces, dots, dashes, parentheses or a leading `+`;
///   grounded when one of the grounding's phone numbers ends with it or it ends with one (country codes);
/// - **dates**: a day with a month name (Spanish or English, full or abbreviated) or a numeric `d/m[/y]` or
///   ISO `y-m-d` date; compared by day and month.
public struct GroundingGuard: Sendable {
    public init() {}

    /// The facts of `answer` that none of `grounding` supports, as they were written (empty: grounded).
    public func ungroundedFacts(in answer: String, grounding: [String]) -> [String] {
        let source = grounding.joined(separator: "\n")
        let numbers = Set(Self.numbers(in: source).map(\.value))
        let phones = Self.phones(in: source)
        let dates = Set(Self.dates(in: source).map(\.key))
        var problems: [String] = []
        for price in Self.prices(in: answer) where !numbers.contains(price.value) { problems.append(price.text) }
        for phone in Self.phones(in: answer) where !phones.contains(where: { $0.digits.hasSuffix(phone.digits) || phone.digits.hasSuffix($0.digits) }) {
            problems.append(phone.text)
        }
        for date in Self.dates(in: answer) where !dates.contains(date.key) { problems.append(date.text) }
        return problems
    }

    // MARK: numbers and prices

    static let currencyWords = "euros?|eur|usd|dólares|dolares|dollars?|pesos?|cop|mxn|soles|libras|pounds?"

    static func matches(_ pattern: String, in text: String) -> [(text: String, groups: [String?])] {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            guard let whole = Range(match.range, in: text) else { return nil }
            let groups = (1..<max(1, match.numberOfRanges)).map { index -> String? in
                Range(match.range(at: index), in: text).map { String(text[$0]) }
            }
            return (String(text[whole]), groups)
        }
    }

    /// A written number's value: separators followed by exactly three digits group thousands, others are
    /// the decimal point.
    static func value(of written: String) -> Double? {
        var digits = ""
        let parts = written.split(whereSeparator: { $0 == "." || $0 == "," || $0 == " " || $0 == "\u{A0}" })
        for (index, part) in parts.enumerated() {
            if index > 0 { digits += part.count == 3 ? "" : "." }
            digits += part
        }
        return Double(digits)
    }

    static let numberPattern = #"\d{1,3}(?:[.,\u00A0 ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"#

    /// Every number of a text, "mil" multiplying the one before it (and each read as itself too).
    static func numbers(in text: String) -> [(text: String, value: Double)] {
        matches("(" + numberPattern + #")(\s*mil\b)?"#, in: text).flatMap { match -> [(text: String, value: Double)] in
            guard let written = match.groups[0], let value = value(of: written) else { return [] }
            return match.groups.count > 1 && match.groups[1] != nil ? [(match.text, value * 1_000), (written, value)] : [(match.text, value)]
        }
    }

    /// The amounts of money a text states.
    static func prices(in text: String) -> [(text: String, value: Double)] {
        let before = matches(#"(?:[$€£]|\b(?:usd|eur|cop|mxn))\s?("# + numberPattern + #")(\s*mil\b)?"#, in: text)
        let after = matches("(" + numberPattern + #")(\s*mil)?\s*(?:de\s+)?(?:[$€£]|\b(?:"# + currencyWords + #")\b)"#, in: text)
        return (before + after).compactMap { match in
            guard let written = match.groups[0], let value = value(of: written) else { return nil }
            return (match.text, match.groups.count > 1 && match.groups[1] != nil ? value * 1_000 : value)
        }
    }

    // MARK: phones

    static func phones(in text: String) -> [(text: String, digits: String)] {
        matches(#"\+?\(?\d[\d\s().-]{5,}\d"#, in: text).compactMap { match in
            let digits = match.text.filter(\.isNumber)
            // Seven digits at least, and not a price with thousands separators ("1.200.000").
            guard digits.count >= 7, digits.count <= 15 else { return nil }
            if match.text.range(of: #"^\d{1,3}([.,]\d{3})+$"#, options: .regularExpression) != nil { return nil }
            // ISO dates and times are dates, checked as such.
            if match.text.range(of: #"\d{4}-\d{2}-\d{2}"#, options: .regularExpression) != nil { return nil }
            return (match.text.trimmingCharacters(in: .whitespaces), digits)
        }
    }

    // MARK: dates

    static let months: [(Int, [String])] = [
        (1, ["enero", "ene", "january", "jan"]), (2, ["febrero", "feb", "february"]), (3, ["marzo", "mar", "march"]),
        (4, ["abril", "abr", "april", "apr"]), (5, ["mayo", "may"]), (6, ["junio", "jun", "june"]), (7, ["julio", "jul", "july"]),
        (8, ["agosto", "ago", "august", "aug"]), (9, ["septiembre", "setiembre", "sep", "sept", "september"]),
        (10, ["octubre", "oct", "october"]), (11, ["noviembre", "nov", "november"]), (12, ["diciembre", "dic", "december", "dec"]),
    ]

    static func month(named name: String) -> Int? {
        let lowered = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return months.first { $0.1.contains(lowered) }?.0
    }

    /// The dates a text names, as (month, day) keys `m-d`.
    static func dates(in text: String) -> [(text: String, key: String)] {
        let names = months.flatMap(\.1).sorted { $0.count > $1.count }.joined(separator: "|")
        var found: [(text: String, key: String)] = []
        for match in matches(#"\b(\d{1,2})(?:\s+de|\s*)\s*(?:"# + "(" + names + #"))\.?\b"#, in: text) {
            if let day = match.groups[0].flatMap(Int.init), let month = match.groups[1].flatMap(month(named:)), (1...31).contains(day) {
                found.append((match.text, "\(month)-\(day)"))
            }
        }
        for match in matches(#"\b("# + names + #")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"#, in: text) {
            if let month = match.groups[0].flatMap(month(named:)), let day = match.groups[1].flatMap(Int.init), (1...31).contains(day) {
                found.append((match.text, "\(month)-\(day)"))
            }
        }
        for match in matches(#"\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b"#, in: text) {
            if let day = match.groups[0].flatMap(Int.init), let month = match.groups[1].flatMap(Int.init), (1...31).contains(day), (1...12).contains(month) {
                found.append((match.text, "\(month)-\(day)"))
            }
        }
        for match in matches(#"\b\d{4}-(\d{2})-(\d{2})\b"#, in: text) {
            if let month = match.groups[0].flatMap(Int.init), let day = match.groups[1].flatMap(Int.init) { found.append((match.text, "\(month)-\(day)")) }
        }
        return found
    }
}
