import Synchronization
import Wire

/// Each company's ``BookingRules``, built once per configuration: a company's rules are rebuilt only when
/// one of the fields they come from (time zone, business hours, treatments, booking settings) changes.
/// Keyed by the company's id, so one company's rules are never served to another; at most
/// ``maximumCompanies`` are kept (all are dropped when a new one would pass that).
final class BookingRulesCache: Sendable {
    struct Inputs: Equatable {
        var timezone: String
        var businessHours: [String: [String]]?
        var treatments: [String: Int]
        var booking: BookingSettings?
        init(_ company: Company) {
            timezone = company.timezone
            businessHours = company.businessHours
            treatments = company.treatmentDurations
            booking = company.booking
        }
    }

    static let maximumCompanies = 10_000
    private let entries = Mutex<[CompanyID: (inputs: Inputs, rules: BookingRules)]>([:])

    func rules(_ company: Company) throws(BookingRules.Invalid) -> BookingRules {
        let inputs = Inputs(company)
        if let cached = entries.withLock({ $0[company.id] }), cached.inputs == inputs { return cached.rules }
        let rules = try BookingRules(company: company)
        entries.withLock { entries in
            if entries.count >= Self.maximumCompanies { entries.removeAll() }
            entries[company.id] = (inputs, rules)
        }
        return rules
    }
}
