import Foundation

/// Appointment times in the patient's words, in the company's time zone: "miércoles 9 de diciembre, 10:00" /
/// "Wednesday 9 December, 10:00 AM", with or without "a las" / "at". Written from calendar components and
/// fixed Spanish and English names, so a reply costs no ICU formatter.
struct SlotWording: Sendable {
    let calendar: Calendar
    let english: Bool

    static let spanishWeekdays = ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"]
    static let englishWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let spanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
    static let englishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    init(zone: TimeZone, english: Bool) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
        self.english = english
    }

    /// The day and time; `joined` puts "a las" / "at" between them instead of a comma.
    func text(_ date: Date, joined: Bool = false) -> String {
        let parts = calendar.dateComponents([.weekday, .day, .month, .hour, .minute], from: date)
        let weekday = max(0, min(6, (parts.weekday ?? 1) - 1)), month = max(0, min(11, (parts.month ?? 1) - 1))
        let day = parts.day ?? 1, hour = parts.hour ?? 0, minute = parts.minute ?? 0
        let minutes = minute < 10 ? "0\(minute)" : "\(minute)"
        if english {
            let clock = "\(hour % 12 == 0 ? 12 : hour % 12):\(minutes) \(hour < 12 ? "AM" : "PM")"
            return "\(Self.englishWeekdays[weekday]) \(day) \(Self.englishMonths[month])\(joined ? " at " : ", ")\(clock)"
        }
        let clock = "\(hour < 10 ? "0" : "")\(hour):\(minutes)"
        return "\(Self.spanishWeekdays[weekday]) \(day) de \(Self.spanishMonths[month])\(joined ? " a las " : ", ")\(clock)"
    }
}
