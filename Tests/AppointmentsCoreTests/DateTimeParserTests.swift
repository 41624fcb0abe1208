import Foundation
import Testing
@testable import AppointmentsCore

struct DateTimeParserTests {
    let madrid = DateTimeParser(timeZone: TimeZone(identifier: "Europe/Madrid") ?? .gmt)

    /// Wednesday 2 December 2026, 10:00 in Madrid.
    var now: Date { ISO8601DateFormatter().date(from: "2026-12-02T09:00:00Z") ?? Date() }

    @Test func commonExpressions() {
        func check(_ text: String, date: String?, time: String? = nil, part: PartOfDay? = nil, ambiguous: Bool = false, past: Bool = false) {
            let result = madrid.interpret(text, now: now)
            #expect(result.date == date, "\(text): date \(result.date ?? "nil")")
            #expect(result.time == time, "\(text): time \(result.time ?? "nil")")
            #expect(result.partOfDay == part, "\(text): part \(result.partOfDay?.rawValue ?? "nil")")
            #expect(result.ambiguous == ambiguous, "\(text): ambiguities \(result.ambiguities)")
            #expect(result.past == past, "\(text): past")
        }
        check("hoy", date: "2026-12-02")
        check("mañana", date: "2026-12-03")
        check("manana a las 10", date: "2026-12-03", time: "10:00")
        check("pasado mañana", date: "2026-12-04")
        check("el viernes en la tarde", date: "2026-12-04", part: .afternoon)
        check("¿Tienen cita el viernes en la tarde para botox?", date: "2026-12-04", part: .afternoon)
        check("el próximo lunes", date: "2026-12-07")
        check("este jueves a las 3 pm", date: "2026-12-03", time: "15:00")
        check("a las 3", date: "2026-12-02", time: "15:00", ambiguous: true)
        check("15 de diciembre", date: "2026-12-15")
        check("15/12", date: "2026-12-15")
        check("15-12-2026", date: "2026-12-15")
        check("diciembre 15", date: "2026-12-15")
        check("Dec 15th", date: "2026-12-15")
        check("dentro de dos semanas", date: "2026-12-16")
        check("al mediodía", date: "2026-12-02", time: "12:00")
        check("tomorrow at 10am", date: "2026-12-03", time: "10:00")
        check("next Monday", date: "2026-12-07")
        check("this Friday afternoon", date: "2026-12-04", part: .afternoon)
        check("miercoles", date: "2026-12-02", ambiguous: true)
        check("ayer", date: "2026-12-01", past: true)
        check("hoy a las 8", date: "2026-12-02", time: "08:00", past: true)
        check("15h", date: "2026-12-02", time: "15:00")
        check("3:30", date: "2026-12-02", time: "15:30", ambiguous: true)
        check("a las 4 y media de la tarde", date: "2026-12-02", time: "16:30")
        check("1 de enero", date: "2027-01-01")
        check("quiero información sobre el botox", date: nil)
    }

    /// Random mixes of date words, numbers and punctuation never crash the parser, and whatever it
    /// resolves is a real instant with start ≤ end.
    @Test func randomText_NeverBreaksIt() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["el", "de", "la", "a", "las", "mañana", "tarde", "viernes", "próximo", "que", "viene", "semana", "dentro", "en", "in",
                      "next", "this", "at", "pm", "am", "h", "y", "media", "menos", "cuarto", "diciembre", "Dec", "15", "31", "0", "99",
                      "3:30", "25:99", "15/12", "31/02/2026", "2026-13-40", "10.30", "1e9", "99999999999999999999", "ñ", "😀", "-", "/",
                      ":", ".", "mediodía", "medianoche", "hoy", "ayer", "pasado", "dia", "día", "the", "of", "th"]
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }
                .joined(separator: Bool.random(using: &generator) ? " " : "")
            let result = madrid.interpret(text, now: now)
            if let start = result.start, let end = result.end { #expect(start <= end, "\(text)") }
            if result.understood { #expect(result.date != nil, "\(text)") }
        }
        // Very long input is cut, not scanned whole.
        _ = madrid.interpret(String(repeating: "el viernes a las 3 ", count: 10_000), now: now)
    }
}
