import Foundation
import Testing
@testable import AppointmentsCore

/// Every expression of `Tests/Fixtures/Dates/expressions.json` (written by make_fixtures.py, which computes
/// the expected resolutions with Python's calendar and time-zone database, independently of this parser)
/// resolves as expected against its reference instant and time zone.
struct DateFixtureTests {
    struct Fixture: Decodable {
        let text: String
        let timezone: String
        let now: String
        let date: String
        let time: String?
        let partOfDay: String?
        let start: String?
        let end: String?
        let ambiguous: Bool
        let past: Bool

        enum CodingKeys: String, CodingKey {
            case text, timezone, now, date, time, start, end, ambiguous, past
            case partOfDay = "part_of_day"
        }
    }

    struct File: Decodable { let expressions: [Fixture] }

    static func load() throws -> [Fixture] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/Dates/expressions.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).expressions
    }

    static func instant(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    @Test func everyExpression_ResolvesAsExpected() throws {
        let fixtures = try Self.load()
        #expect(fixtures.count >= 200)
        #expect(Set(fixtures.map(\.timezone)).count >= 2)
        var failures: [String] = []
        for fixture in fixtures {
            guard let zone = TimeZone(identifier: fixture.timezone), let now = Self.instant(fixture.now) else {
                failures.append("\(fixture.text): bad fixture")
                continue
            }
            let result = DateTimeParser(timeZone: zone).interpret(fixture.text, now: now)
            var problems: [String] = []
            if result.date != fixture.date { problems.append("date \(result.date ?? "nil") ≠ \(fixture.date)") }
            if result.time != fixture.time { problems.append("time \(result.time ?? "nil") ≠ \(fixture.time ?? "nil")") }
            if result.partOfDay?.rawValue != fixture.partOfDay { problems.append("part \(result.partOfDay?.rawValue ?? "nil") ≠ \(fixture.partOfDay ?? "nil")") }
            if result.ambiguous != fixture.ambiguous { problems.append("ambiguous \(result.ambiguous) ≠ \(fixture.ambiguous) \(result.ambiguities)") }
            if result.past != fixture.past { problems.append("past \(result.past) ≠ \(fixture.past)") }
            if let expected = Self.instant(fixture.start), result.start != expected {
                problems.append("start \(result.start.map { "\($0)" } ?? "nil") ≠ \(fixture.start ?? "")")
            }
            if let expected = Self.instant(fixture.end), fixture.time == nil, result.end != expected {
                problems.append("end \(result.end.map { "\($0)" } ?? "nil") ≠ \(fixture.end ?? "")")
            }
            if !problems.isEmpty { failures.append("\(fixture.text) [\(fixture.timezone) \(fixture.now)]: \(problems.joined(separator: "; "))") }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(fixtures.count):\n\(failures.prefix(40).joined(separator: "\n"))")
    }
}
