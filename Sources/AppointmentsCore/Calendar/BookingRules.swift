import Foundation
import Wire

/// A company's booking rules ready to compute with: its time zone, opening ranges per weekday (minutes from
/// local midnight), closed days, treatments with durations and every name patients use for them, and the
/// ``BookingSettings`` (buffer, capacity, grid, notice, horizon, cancellation window).
public struct BookingRules: Sendable {
    public let timeZone: TimeZone
    public let settings: BookingSettings
    /// ISO weekday (1 = Monday) → opening ranges in minutes from local midnight, sorted.
    public let openings: [Int: [Range<Int>]]
    public let closedDays: Set<String>
    /// Treatment → minutes.
    public let treatments: [String: Int]
    /// Folded name or alias → treatment.
    let names: [String: String]
    /// The names of ``names`` as words, grouped by their first word, longest name first within each group, so
    /// ``treatment(named:)`` looks at the few names that can start at each word of a text instead of all of them.
    let namesByFirstWord: [String: [NameWords]]

    /// A folded name split into its words, with the treatment it stands for.
    struct NameWords: Sendable {
        let name: String
        let words: [String]
        let treatment: String
    }

    /// Hours for a company that sets none: the original's fallback (Monday–Friday 08:00–18:00, Saturday 08:00–16:00).
    public static let defaultBusinessHours: [String: [String]] = [
        "monday": ["08:00-18:00"], "tuesday": ["08:00-18:00"], "wednesday": ["08:00-18:00"], "thursday": ["08:00-18:00"],
        "friday": ["08:00-18:00"], "saturday": ["08:00-16:00"],
    ]

    static let weekdayNumbers = ["monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7]

    /// Why a company's rules cannot be used.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(company: Company) throws(Invalid) {
        try self.init(timeZone: company.timezone, businessHours: company.businessHours ?? Self.defaultBusinessHours,
                      treatments: company.treatmentDurations, settings: company.booking ?? BookingSettings())
    }

    public init(timeZone identifier: String, businessHours: [String: [String]], treatments: [String: Int],
                settings: BookingSettings = BookingSettings()) throws(Invalid) {
        guard let zone = TimeZone(identifier: identifier) else { throw Invalid(description: "unknown time zone '\(identifier)'") }
        var openings: [Int: [Range<Int>]] = [:]
        for (day, ranges) in businessHours {
            guard let weekday = Self.weekdayNumbers[day.lowercased()] else { throw Invalid(description: "'\(day)' is not a weekday") }
            for text in ranges {
                guard let range = Self.minutes(of: text) else { throw Invalid(description: "'\(text)' is not an opening range like 09:00-13:30") }
                openings[weekday, default: []].append(range)
            }
        }
        self.timeZone = zone
        self.settings = settings
        self.openings = openings.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
        self.closedDays = Set(settings.closedDates)
        self.treatments = treatments
        // The company's names and aliases win over the built-in synonyms (a synonym never takes another treatment's name).
        var names: [String: String] = [:]
        for (treatment, _) in treatments.sorted(by: { $0.key < $1.key }) {
            let folded = DateToken.fold(treatment.replacingOccurrences(of: "_", with: " "))
            for synonym in TreatmentSynonyms.table[folded] ?? [] where names[DateToken.fold(synonym)] == nil { names[DateToken.fold(synonym)] = treatment }
        }
        for (treatment, _) in treatments {
            names[DateToken.fold(treatment)] = treatment
            names[DateToken.fold(treatment.replacingOccurrences(of: "_", with: " "))] = treatment
            for alias in settings.treatmentAliases[treatment] ?? [] { names[DateToken.fold(alias)] = treatment }
        }
        self.names = names
        var byFirstWord: [String: [NameWords]] = [:]
        for (name, treatment) in names {
            let words = name.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            byFirstWord[first, default: []].append(NameWords(name: name, words: words, treatment: treatment))
        }
        self.namesByFirstWord = byFirstWord.mapValues { group in
            group.sorted { $0.name.count != $1.name.count ? $0.name.count > $1.name.count : $0.name < $1.name }
        }
    }

    /// `09:00-13:30` → 540..<810 (an end of `24:00` is midnight).
    static func minutes(of range: String) -> Range<Int>? {
        let ends = range.split(separator: "-")
        guard ends.count == 2 else { return nil }
        func minute(_ text: Substring) -> Int? {
            let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0...59).contains(minute),
                  hour * 60 + minute <= 24 * 60 else { return nil }
            return hour * 60 + minute
        }
        guard let start = minute(ends[0]), let end = minute(ends[1]), start < end else { return nil }
        return start..<end
    }

    /// The treatment a patient's words name ("bótox", "toxina botulínica", "Botox", "limpieza facial" for
    /// `limpieza_facial`), with its minutes: an exact name, alias or built-in synonym (``TreatmentSynonyms``)
    /// first, else the longest one the words contain.
    public func treatment(named words: String) -> (name: String, minutes: Int)? {
        let folded = DateToken.fold(words).trimmingCharacters(in: .whitespacesAndNewlines)
        if let name = names[folded], let minutes = treatments[name] { return (name, minutes) }
        // The longest name (in characters; ties by name) whose words appear in a row among the text's words.
        let tokens = folded.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        var best: NameWords?
        for start in tokens.indices {
            for candidate in namesByFirstWord[tokens[start]] ?? [] {
                if let found = best, found.name.count > candidate.name.count || (found.name.count == candidate.name.count && found.name <= candidate.name) {
                    break
                }
                guard start + candidate.words.count <= tokens.count,
                      candidate.words.indices.allSatisfy({ tokens[start + $0] == candidate.words[$0] }) else { continue }
                best = candidate
                break
            }
        }
        guard let best, let minutes = treatments[best.treatment] else { return nil }
        return (best.treatment, minutes)
    }
}
