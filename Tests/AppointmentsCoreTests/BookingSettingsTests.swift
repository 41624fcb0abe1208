import CompanyModel
import Foundation
import Testing
import Wire
@testable import AppointmentsCore

struct BookingSettingsTests {
    func company(_ booking: String) throws -> Company {
        let json = #"{"company_id":"benova","company_name":"Benova","timezone":"Europe/Madrid","treatment_durations":{"botox":45},"booking":"#
            + booking + "}"
        return try JSONDecoder().decode(Company.self, from: Data(json.utf8))
    }

    @Test func unsetFields_TakeTheDefaults_AndTheRulesFollow() throws {
        let settings = try #require(try company(#"{"capacity":2,"closed_dates":["2026-12-25"]}"#).booking)
        #expect(settings.capacity == 2 && settings.slotMinutes == 15 && settings.minimumNoticeMinutes == 120 && settings.horizonDays == 60)
        #expect(settings.requiredPatientFields == ["full_name", "id_number", "phone"])
        let rules = try BookingRules(company: try company(#"{"capacity":2}"#))
        #expect(rules.openings[1] == [480..<1080] && rules.openings[7] == nil, "the original's hours when the company sets none")
        #expect(CompanyValidator.fieldProblems(try company(#"{"capacity":2,"closed_dates":["2026-12-25"]}"#)).isEmpty)
    }

    @Test func badSettings_GetFieldErrors() throws {
        let problems = CompanyValidator.fieldProblems(try company(#"""
            {"buffer_minutes":-1,"capacity":0,"slot_minutes":7,"minimum_notice_minutes":99999999,"horizon_days":0,
             "cancellation_window_hours":1000,"closed_dates":["2026-02-30"],"treatment_aliases":{"laser":["x"]},
             "required_patient_fields":["shoe_size"]}
            """#))
        let expected = ["buffer_minutes", "capacity", "slot_minutes", "minimum_notice_minutes", "horizon_days", "cancellation_window_hours",
                        "closed_dates", "treatment_aliases.laser", "required_patient_fields"].map { "booking." + $0 }
        #expect(Set(problems.keys) == Set(expected), "\(problems)")
    }
}
