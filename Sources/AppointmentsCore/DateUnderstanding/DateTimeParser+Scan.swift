import Foundation

extension DateTimeParser {
    /// How a weekday was named.
    enum WeekdayMode: Sendable {
        /// "el viernes", "este viernes", "this Friday", "Friday": the first one from today on.
        case fromToday(explicitThis: Bool)
        /// "el próximo viernes", "el viernes que viene", "next Friday": the first one after today.
        case afterToday
        /// "el viernes de la semana que viene", "Friday next week": that weekday in next week.
        case nextWeek
    }

    /// One pass over the tokens, collecting every date and time element found.
    struct Scan {
        let tokens: [DateToken]
        let today: Day
        let parser: DateTimeParser
        /// Each token's word after typo correction (nil for numbers).
        let words: [String?]

        var dates: [(day: Day, text: String)] = []
        var weekday: (value: Int, mode: WeekdayMode, text: String)?
        var nextWeek: String?
        var time: (hour: Int, minute: Int, hasMeridiem: Bool, text: String)?
        var partOfDay: (value: PartOfDay, text: String)?
        var ambiguities: [String] = []
        var englishWords = 0
        var spanishWords = 0
        private var consumed: Set<Int> = []

        init(tokens: [DateToken], today: Day, parser: DateTimeParser) {
            self.tokens = tokens
            self.today = today
            self.parser = parser
            words = tokens.map { $0.isWord ? DateVocabulary.corrected($0.text) : nil }
        }

        /// Words after a number that make it a 24-hour clock time ("15h", "17.30 h", "las 18 horas").
        static let hourMarkers: Set<String> = ["h", "hrs", "horas", "hs"]

        static let englishMarkers: Set<String> = ["the", "at", "on", "next", "this", "tomorrow", "today", "in", "of", "am", "pm", "is", "can",
                                                    "i", "do", "you", "have", "for", "morning", "afternoon", "evening"]
        static let spanishMarkers: Set<String> = ["el", "la", "las", "de", "del", "manana", "hoy", "para", "por", "en", "que", "tienen",
                                                    "hay", "puedo", "cita", "tarde", "proximo", "dia"]

        func word(_ index: Int) -> String? { index >= 0 && index < tokens.count ? words[index] : nil }
        func number(_ index: Int) -> DateToken? { index >= 0 && index < tokens.count && tokens[index].isNumber ? tokens[index] : nil }
        func text(_ range: Range<Int>) -> String { range.map { tokens[$0].original }.joined(separator: " ") }

        mutating func run() {
            for word in words.compactMap({ $0 }) {
                if Self.englishMarkers.contains(word) { englishWords += 1 }
                if Self.spanishMarkers.contains(word) { spanishWords += 1 }
            }
            var index = 0
            while index < tokens.count {
                let used = relativeDay(index) ?? offset(index) ?? weekdayName(index) ?? explicitDate(index) ?? clockTime(index)
                    ?? namedPartOfDay(index) ?? 0
                if used > 0 {
                    for position in index..<(index + used) { consumed.insert(position) }
                    index += used
                } else {
                    index += 1
                }
            }
        }

        var looksEnglish: Bool { englishWords > spanishWords }

        // MARK: Days

        mutating func addDate(_ day: Day, _ range: Range<Int>) {
            dates.append((day, text(range)))
        }

        /// hoy, mañana, pasado mañana, ayer, anteayer, today, tomorrow, the day after tomorrow, yesterday, tonight,
        /// esta mañana/tarde/noche, this morning/afternoon/evening.
        mutating func relativeDay(_ i: Int) -> Int? {
            guard let w = word(i) else { return nil }
            switch w {
            case "pasado" where word(i + 1) == "manana":
                addDate(parser.adding(days: 2, to: today), i..<(i + 2))
                return 2
            case "day" where word(i + 1) == "after" && word(i + 2) == "tomorrow":
                addDate(parser.adding(days: 2, to: today), i..<(i + 3))
                return 3
            case "anteayer", "antier":
                addDate(parser.adding(days: -2, to: today), i..<(i + 1))
                return 1
            case "ayer", "yesterday":
                addDate(parser.adding(days: -1, to: today), i..<(i + 1))
                return 1
            case "hoy", "today":
                addDate(today, i..<(i + 1))
                return 1
            case "tonight":
                addDate(today, i..<(i + 1))
                partOfDay = (.evening, text(i..<(i + 1)))
                return 1
            case "esta", "this":
                guard let next = word(i + 1), let part = PartOfDay(name: next), next != "mananas", next != "tardes", next != "noches" else { return nil }
                addDate(today, i..<(i + 2))
                partOfDay = (part, text(i..<(i + 2)))
                return 2
            case "manana", "tomorrow":
                // "por la mañana", "en la mañana", "de la mañana": the morning, not tomorrow.
                if w == "manana", word(i - 1) == "la" || (word(i - 1) == "de" && (number(i - 2) != nil || word(i - 2) == "manana")) {
                    return nil
                }
                addDate(parser.adding(days: 1, to: today), i..<(i + 1))
                return 1
            default:
                return nil
            }
        }

        /// dentro de N días/semanas/meses, en N días, in N days/weeks, in a week; la semana que viene, la próxima
        /// semana, next week; el mes que viene, next month.
        mutating func offset(_ i: Int) -> Int? {
            guard let w = word(i) else { return nil }
            var start = i
            if w == "dentro", word(i + 1) == "de" { start = i + 2 } else if w == "en" || w == "in" { start = i + 1 } else {
                return weekPhrase(i)
            }
            var amount: Int?
            if let value = number(start)?.integer { amount = value } else if let word = word(start) { amount = DateVocabulary.numbers[word] }
            guard let amount, amount > 0, amount <= 366, let unitWord = word(start + 1), let unit = DateVocabulary.units[unitWord] else { return nil }
            let end = start + 2
            if unit == 30 {
                let months = amount
                addDate(parser.adding(months: months, to: today), i..<end)
            } else {
                addDate(parser.adding(days: amount * unit, to: today), i..<end)
            }
            return end - i
        }

        mutating func weekPhrase(_ i: Int) -> Int? {
            let phrases: [[String]] = [["la", "semana", "que", "viene"], ["la", "proxima", "semana"], ["la", "semana", "proxima"],
                                       ["la", "siguiente", "semana"], ["next", "week"], ["semana", "que", "viene"], ["proxima", "semana"]]
            for phrase in phrases where (0..<phrase.count).allSatisfy({ word(i + $0) == phrase[$0] }) {
                nextWeek = text(i..<(i + phrase.count))
                return phrase.count
            }
            let monthPhrases: [[String]] = [["el", "mes", "que", "viene"], ["el", "proximo", "mes"], ["next", "month"]]
            for phrase in monthPhrases where (0..<phrase.count).allSatisfy({ word(i + $0) == phrase[$0] }) {
                let first = parser.adding(months: 1, to: Day(year: today.year, month: today.month, day: 1))
                addDate(first, i..<(i + phrase.count))
                ambiguities.append("\"\(text(i..<(i + phrase.count)))\" names a month, not a day: taken as its first day")
                return phrase.count
            }
            return nil
        }

        /// A weekday with what surrounds it: este/this, el próximo/next/coming, que viene, de la semana que viene,
        /// next week.
        mutating func weekdayName(_ i: Int) -> Int? {
            guard let w = word(i), let value = DateVocabulary.weekdays[w] else { return nil }
            // Short English abbreviations only with an English neighbour or a capital ("Fri"), never alone in Spanish.
            if w.count <= 4, tokens[i].original.first?.isUppercase != true, spanishWords >= englishWords { return nil }
            var first = i, last = i + 1
            var mode = WeekdayMode.fromToday(explicitThis: false)
            if let before = word(i - 1), !consumed.contains(i - 1) {
                switch before {
                case "proximo", "proxima", "next", "coming", "siguiente":
                    mode = .afterToday
                    first = i - 1
                    if word(i - 2) == "el" || word(i - 2) == "this" { first = i - 2 }
                case "este", "esta", "this":
                    mode = .fromToday(explicitThis: true)
                    first = i - 1
                default:
                    break
                }
            }
            if word(last) == "que", word(last + 1) == "viene" {
                mode = .afterToday
                last += 2
            }
            let nextWeekTails: [[String]] = [["de", "la", "semana", "que", "viene"], ["de", "la", "proxima", "semana"], ["next", "week"],
                                              ["de", "la", "semana", "proxima"], ["of", "next", "week"]]
            for tail in nextWeekTails where (0..<tail.count).allSatisfy({ word(last + $0) == tail[$0] }) {
                mode = .nextWeek
                last += tail.count
                break
            }
            weekday = (value, mode, text(first..<last))
            return last - i
        }

        // MARK: Dates

        /// 15 de diciembre (de 2026), 15 dic, 15th of December, diciembre 15, Dec 15th, December 15, 2026, 15/12,
        /// 15/12/2026, 15-12-2026, 15.12.2026, 2026-12-15, el 15.
        mutating func explicitDate(_ i: Int) -> Int? {
            if let token = number(i), token.text.contains(where: { "/-.".contains($0) }), !token.text.contains(":") {
                return numericDate(token, i)
            }
            if let day = number(i)?.integer, (1...31).contains(day) {
                var next = i + 1
                if let suffix = word(next), ["th", "st", "nd", "rd", "o", "er"].contains(suffix) { next += 1 }
                if word(next) == "de" || word(next) == "of" { next += 1 }
                if let monthWord = word(next), let month = DateVocabulary.months[monthWord] ?? DateVocabulary.monthAbbreviations[monthWord] {
                    var end = next + 1
                    var year: Int?
                    if word(end) == "de", let value = number(end + 1)?.integer, value >= 1900 {
                        year = value
                        end += 2
                    } else if let value = number(end)?.integer, value >= 1900 {
                        year = value
                        end += 1
                    }
                    addCalendarDate(day: day, month: month, year: year, i..<end)
                    return end - i
                }
                // "el 15", "el día 15", "the 15th": a day of the month.
                if ["el", "dia", "the"].contains(word(i - 1) ?? ""), !["h", "hrs", "horas", "am", "pm", "y", "dias", "days"].contains(word(i + 1) ?? "") {
                    var candidate = Day(year: today.year, month: today.month, day: day)
                    if !parser.isValid(candidate) || candidate < today {
                        candidate = parser.adding(months: 1, to: Day(year: today.year, month: today.month, day: 1))
                        candidate.day = day
                    }
                    guard parser.isValid(candidate) else { return nil }
                    addDate(candidate, i..<(next == i + 2 ? i + 2 : i + 1))
                    return next == i + 2 ? 2 : 1
                }
                return nil
            }
            if let monthWord = word(i), let month = DateVocabulary.months[monthWord] ?? DateVocabulary.monthAbbreviations[monthWord],
               let day = number(i + 1)?.integer, (1...31).contains(day) {
                var end = i + 2
                if let suffix = word(end), ["th", "st", "nd", "rd"].contains(suffix) { end += 1 }
                var year: Int?
                if let value = number(end)?.integer, value >= 1900 {
                    year = value
                    end += 1
                }
                addCalendarDate(day: day, month: month, year: year, i..<end)
                return end - i
            }
            return nil
        }

        mutating func numericDate(_ token: DateToken, _ i: Int) -> Int? {
            let separator: Character = token.text.contains("/") ? "/" : token.text.contains("-") ? "-" : "."
            let parts = token.text.split(separator: separator).map { Int($0) }
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            let values = parts.compactMap { $0 }
            // "10.30" after "a las" or before "h" is a time, not a date.
            if separator == ".", values.count == 2,
               ["las", "la", "at"].contains(word(i - 1) ?? "") || Self.hourMarkers.contains(word(i + 1) ?? "") { return nil }
            switch values.count {
            case 3 where values[0] >= 1900:
                addCalendarDate(day: values[2], month: values[1], year: values[0], i..<(i + 1))
            case 3:
                addCalendarDate(day: values[0], month: values[1], year: values[2] < 100 ? 2000 + values[2] : values[2], i..<(i + 1), numeric: true)
            case 2:
                addCalendarDate(day: values[0], month: values[1], year: nil, i..<(i + 1), numeric: true)
            default:
                return nil
            }
            return 1
        }

        /// A calendar date; without a year, the next time it comes (this year, or next year once it has passed).
        mutating func addCalendarDate(day: Int, month: Int, year: Int?, _ range: Range<Int>, numeric: Bool = false) {
            var candidate = Day(year: year ?? today.year, month: month, day: day)
            if year == nil, candidate < today { candidate.year += 1 }
            guard parser.isValid(candidate) else {
                ambiguities.append("\"\(text(range))\" is not a date")
                return
            }
            if numeric, looksEnglish, day <= 12, month <= 12, day != month {
                ambiguities.append("\"\(text(range))\" read day first (\(candidate.text)); month first it would be another date")
            }
            addDate(candidate, range)
        }

        // MARK: Times

        /// a las 3, a las 3 y media, a las 4 menos cuarto, 3 pm, 3:30, 15h, las 15 horas, at 10am, al mediodía, noon,
        /// medianoche; a meridiem from "de la mañana/tarde/noche", "in the morning/afternoon/evening".
        mutating func clockTime(_ i: Int) -> Int? {
            if let w = word(i) {
                if w == "mediodia" || w == "noon" || w == "midday" || (w == "medio" && word(i + 1) == "dia") {
                    let count = w == "medio" ? 2 : 1
                    time = (12, 0, true, text(i..<(i + count)))
                    return count
                }
                if w == "medianoche" || w == "midnight" {
                    time = (0, 0, true, text(i..<(i + 1)))
                    return 1
                }
                return nil
            }
            guard let token = number(i) else { return nil }
            var hour: Int, minute = 0
            if token.text.contains(":")
                || (token.text.contains(".") && (["las", "la", "at"].contains(word(i - 1) ?? "") || Self.hourMarkers.contains(word(i + 1) ?? ""))) {
                let parts = token.text.split(whereSeparator: { $0 == ":" || $0 == "." }).compactMap { Int($0) }
                guard parts.count == 2 else { return nil }
                (hour, minute) = (parts[0], parts[1])
            } else if let value = token.integer {
                hour = value
            } else {
                return nil
            }
            let introduced = ["las", "la", "at", "sobre", "hacia", "around", "by"].contains(word(i - 1) ?? "")
            var end = i + 1
            var explicit24 = token.text.contains(":") && hour >= 13
            var meridiem: PartOfDay?
            // Minutes in words.
            if word(end) == "y", word(end + 1) == "media" { minute = 30; end += 2 } else if word(end) == "y", word(end + 1) == "cuarto" {
                minute = 15; end += 2
            } else if word(end) == "menos", word(end + 1) == "cuarto" {
                minute = -15; end += 2
            } else if word(end) == "y", let value = number(end + 1)?.integer, (1...59).contains(value) {
                minute = value; end += 2
            }
            // Markers after the number.
            var hasMeridiem = false
            switch word(end) {
            case "am"?:
                meridiem = .morning; hasMeridiem = true; end += 1
            case "pm"?:
                meridiem = .afternoon; hasMeridiem = true; end += 1
            case "a"? where word(end + 1) == "m":
                meridiem = .morning; hasMeridiem = true; end += 2
            case "p"? where word(end + 1) == "m":
                meridiem = .afternoon; hasMeridiem = true; end += 2
            case let marker? where Self.hourMarkers.contains(marker):
                explicit24 = true; end += 1
            default:
                break
            }
            if !hasMeridiem {
                let tails: [([String], PartOfDay)] = [
                    (["de", "la", "manana"], .morning), (["de", "la", "tarde"], .afternoon), (["de", "la", "noche"], .evening),
                    (["de", "la", "madrugada"], .morning), (["in", "the", "morning"], .morning), (["in", "the", "afternoon"], .afternoon),
                    (["in", "the", "evening"], .evening), (["at", "night"], .evening),
                ]
                for (tail, part) in tails where (0..<tail.count).allSatisfy({ word(end + $0) == tail[$0] }) {
                    meridiem = part
                    hasMeridiem = true
                    end += tail.count
                    break
                }
            }
            guard introduced || hasMeridiem || explicit24 || token.text.contains(":") else { return nil }
            guard (0...24).contains(hour), (-15...59).contains(minute) else { return nil }
            if minute < 0 {
                hour -= 1
                minute += 60
            }
            if let meridiem {
                switch meridiem {
                case .morning: if hour == 12 { hour = 0 }
                case .afternoon, .evening: if hour < 12 { hour += 12 }
                }
            }
            guard (0...23).contains(hour) || (hour == 24 && minute == 0) else { return nil }
            time = (hour % 24, minute, hasMeridiem || explicit24 || hour >= 13 || hour == 0, text(i..<end))
            return end - i
        }

        // MARK: Parts of the day

        /// por/en/de la mañana|tarde|noche, la tarde, morning, afternoon, evening, (in the) night; "tarde" or "noche"
        /// alone right after a day ("el viernes tarde").
        mutating func namedPartOfDay(_ i: Int) -> Int? {
            guard let w = word(i) else { return nil }
            if ["por", "en", "de", "a"].contains(w), word(i + 1) == "la", let next = word(i + 2), let part = PartOfDay(name: next) {
                partOfDay = (part, text(i..<(i + 3)))
                return 3
            }
            if w == "la", let next = word(i + 1), let part = PartOfDay(name: next), next != "manana" {
                partOfDay = (part, text(i..<(i + 2)))
                return 2
            }
            if ["morning", "afternoon", "evening", "night"].contains(w), let part = PartOfDay(name: w) {
                partOfDay = (part, text(i..<(i + 1)))
                return 1
            }
            if ["tarde", "noche"].contains(w), consumed.contains(i - 1), let part = PartOfDay(name: w) {
                partOfDay = (part, text(i..<(i + 1)))
                return 1
            }
            return nil
        }
    }
}
