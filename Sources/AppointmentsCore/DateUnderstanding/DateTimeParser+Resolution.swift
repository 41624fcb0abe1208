import Foundation

extension DateTimeParser {
    /// Turns what the scan found into one interpretation: the day (an explicit date, a relative day, a
    /// weekday, or today when only a time or a part of the day was given), the time or part of the day on
    /// it, the instants in the company's time zone, and everything that stays open.
    func resolve(_ scan: Scan, now: Date) -> DateTimeInterpretation {
        var result = DateTimeInterpretation()
        var ambiguities = scan.ambiguities
        var matched = scan.dates.map(\.text)

        var day: Day? = scan.dates.first?.day
        let distinct = Set(scan.dates.map(\.day))
        if distinct.count > 1, let first = scan.dates.first {
            let others = scan.dates.dropFirst().filter { $0.day != first.day }.map { "\"\($0.text)\" (\($0.day.text))" }
            ambiguities.append("more than one day is mentioned: \"\(first.text)\" (\(first.day.text)) and \(others.joined(separator: ", "))")
        }
        if let weekday = scan.weekday {
            matched.append(weekday.text)
            let resolved = resolveWeekday(weekday.value, weekday.mode, today: scan.today)
            if let explicit = day {
                if self.weekday(of: explicit) != weekday.value {
                    ambiguities.append("\(explicit.text) is not a \(Self.weekdayNames[weekday.value - 1]) (\"\(weekday.text)\")")
                }
            } else {
                day = resolved
                if case .fromToday(explicitThis: false) = weekday.mode, resolved == scan.today {
                    ambiguities.append("\"\(weekday.text)\" is today; next week's would be \(adding(days: 7, to: resolved).text)")
                }
            }
        } else if let phrase = scan.nextWeek, day == nil {
            matched.append(phrase)
            let monday = adding(days: 8 - weekday(of: scan.today), to: scan.today)
            day = monday
            ambiguities.append("\"\(phrase)\" names a week, not a day: taken as its Monday (\(monday.text))")
        }

        var hour = scan.time?.hour, minute = scan.time?.minute
        if let time = scan.time {
            matched.append(time.text)
            if !time.hasMeridiem, var h = hour {
                // Without a meridiem: 8–11 are mornings and 12 is noon; 1–7 are read as afternoon unless the
                // part of the day says otherwise, and that reading is reported.
                if let part = scan.partOfDay?.value {
                    if part != .morning, h < 12 { h += 12 }
                } else if (1...7).contains(h) {
                    ambiguities.append(String(format: "\"%@\" could be %02d:%02d or %02d:%02d; taken as %02d:%02d", time.text, h, minute ?? 0,
                                              h + 12, minute ?? 0, h + 12, minute ?? 0))
                    h += 12
                }
                hour = h
            }
        }
        if let part = scan.partOfDay {
            matched.append(part.text)
            result.partOfDay = part.value
        }
        guard day != nil || hour != nil || result.partOfDay != nil else { return result }
        let resolvedDay = day ?? scan.today
        result.date = resolvedDay.text

        if let hour, let minute {
            result.time = String(format: "%02d:%02d", hour, minute)
            if let part = result.partOfDay, PartOfDay.of(hour: hour) != part {
                ambiguities.append("\(result.time ?? "") is not in the \(part.rawValue) (\"\(scan.partOfDay?.text ?? "")\")")
            }
            if let instant = instant(resolvedDay, hour: hour, minute: minute) {
                result.start = instant.date
                result.end = instant.date
                if let oddity = instant.oddity { ambiguities.append(oddity) }
            }
        } else if let part = result.partOfDay {
            result.start = instant(resolvedDay, hour: part.hours.start, minute: 0)?.date
            result.end = part.hours.end == 24 ? instant(adding(days: 1, to: resolvedDay), hour: 0, minute: 0)?.date
                : instant(resolvedDay, hour: part.hours.end, minute: 0)?.date
        } else {
            result.start = instant(resolvedDay, hour: 0, minute: 0)?.date
            result.end = instant(adding(days: 1, to: resolvedDay), hour: 0, minute: 0)?.date
        }
        if let end = result.end, let start = result.start {
            result.past = start == end ? start < now : end <= now
        }
        result.ambiguities = ambiguities
        result.matched = matched
        return result
    }

    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    func resolveWeekday(_ value: Int, _ mode: WeekdayMode, today: Day) -> Day {
        let current = weekday(of: today)
        switch mode {
        case .fromToday:
            return adding(days: (value - current + 7) % 7, to: today)
        case .afterToday:
            let ahead = (value - current + 7) % 7
            return adding(days: ahead == 0 ? 7 : ahead, to: today)
        case .nextWeek:
            let monday = adding(days: 8 - current, to: today)
            return adding(days: value - 1, to: monday)
        }
    }
}
