/// Takes patients' contact and identity data out of log lines before they are written: e-mail addresses become
/// `[email]`, phone numbers (an optional `+`, then 7 or more digits with spaces, dots, dashes or brackets between)
/// `[phone]`, and any other run of 7 or more digits (national ID numbers, cédulas) `[number]`. Shorter numbers
/// (ports, counts, durations, years), ISO dates and ids that mix letters and digits (request and event ids) are
/// kept; long plain numbers that are not personal (a byte count) are redacted too, the price of never missing one.
public enum PersonalDataRedaction {
    public static func redact(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if let end = emailEnd(scalars, at: index) {
                // Drop the local part already copied.
                while let last = out.last, isEmailLocal(last) { out.removeLast() }
                out.append(contentsOf: "[email]".unicodeScalars)
                index = end
                continue
            }
            if let end = dateEnd(scalars, at: index) {
                // Dates (2026-12-07) are times of things, not people: kept.
                out.append(contentsOf: scalars[index..<end])
                index = end
                continue
            }
            if let (end, digits, phone) = numberRun(scalars, at: index), digits >= 7 {
                out.append(contentsOf: (phone ? "[phone]" : "[number]").unicodeScalars)
                index = end
                continue
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
    static func isAlphanumeric(_ s: Unicode.Scalar) -> Bool { isDigit(s) || (s.value | 0x20 >= 0x61 && s.value | 0x20 <= 0x7A) }
    static func isEmailLocal(_ s: Unicode.Scalar) -> Bool { isAlphanumeric(s) || "._%+-".unicodeScalars.contains(s) }

    /// At an `@` preceded by a local part and followed by a domain with a dot: the end of the domain.
    static func emailEnd(_ s: [Unicode.Scalar], at index: Int) -> Int? {
        guard s[index] == "@", index > 0, isEmailLocal(s[index - 1]) else { return nil }
        var end = index + 1, dots = 0
        while end < s.count, isAlphanumeric(s[end]) || s[end] == "-" || (s[end] == "." && end + 1 < s.count && isAlphanumeric(s[end + 1])) {
            if s[end] == "." { dots += 1 }
            end += 1
        }
        return dots > 0 && end > index + 3 ? end : nil
    }

    /// An ISO date (`yyyy-mm-dd`) starting at `index`, not inside a longer number: its end.
    static func dateEnd(_ s: [Unicode.Scalar], at index: Int) -> Int? {
        guard index + 10 <= s.count, index == 0 || !isDigit(s[index - 1]) else { return nil }
        for offset in 0..<10 {
            let ok = offset == 4 || offset == 7 ? s[index + offset] == "-" : isDigit(s[index + offset])
            if !ok { return nil }
        }
        return index + 10 < s.count && isDigit(s[index + 10]) ? nil : index + 10
    }

    /// A run of digits starting at `index` (not in the middle of a word), with phone separators between digits:
    /// its end, its digit count, and whether it looks like a phone number (a `+`, or separators).
    static func numberRun(_ s: [Unicode.Scalar], at index: Int) -> (Int, Int, Bool)? {
        var start = index
        var plus = false
        if s[start] == "+" || s[start] == "(", start + 1 < s.count, isDigit(s[start + 1]) { plus = true; start += 1 }
        guard isDigit(s[start]) else { return nil }
        if index > 0 && (isAlphanumeric(s[index - 1]) || s[index - 1] == "_") { return nil }
        var end = start, digits = 0, separators = 0
        while end < s.count {
            if isDigit(s[end]) { digits += 1; end += 1; continue }
            // One or two separators (") ", " - ") between digits.
            let separator = " .-()".unicodeScalars
            if digits > 0, separator.contains(s[end]) {
                if end + 1 < s.count, isDigit(s[end + 1]) { separators += 1; end += 1; continue }
                if end + 2 < s.count, separator.contains(s[end + 1]), isDigit(s[end + 2]) { separators += 1; end += 2; continue }
            }
            break
        }
        // Inside an identifier (digits then letters, as in request ids): not personal data.
        if end < s.count, isAlphanumeric(s[end]) || s[end] == "_" { return nil }
        // A decimal or a version ("1.234567") or a time is not a phone: only count separated runs that are long.
        return (end, digits, plus || separators > 0)
    }
}
