import Foundation
import ServiceRuntime
import TenantStorage
import Wire
import WireRPC

/// The appointment methods of the agent service (`agent/appointmentAvailability`, `bookAppointment`, …)
/// over an ``AppointmentBook``.
///
/// The RPC server has checked that each call's tenant metadata names the request's company; the company
/// itself comes from the service's own (propagated) copy of the configuration, and every store operation
/// carries the ``TenantScope`` built from it, so an unknown or inactive company gets `notFound`.
public struct AppointmentsService: Sendable {
    private let companies: CompanyWatcher
    public let book: AppointmentBook

    public init(companies: CompanyWatcher, book: AppointmentBook) {
        self.companies = companies
        self.book = book
    }

    private func company(_ id: CompanyID) async throws(AppointmentError) -> (Company, TenantScope) {
        var found = companies.company(id)
        if found == nil {
            try? await companies.refresh()
            found = companies.company(id)
        }
        guard let company = found, company.isActive else { throw .unknownCompany(id) }
        do {
            return (company, try TenantScope(company: company))
        } catch {
            throw .invalidArgument("company '\(id)' has no valid namespaces: \(error)")
        }
    }

    /// Registers the methods; they run on the cooperative pool (the stores do their I/O on their own threads).
    public func register(on router: inout RPCRouter) {
        let book = self.book
        router.register(AgentAPI.appointmentAvailability, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            return try await book.availability(request, company: company, scope: scope)
        }
        router.register(AgentAPI.bookAppointment, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            return try await book.book(request, company: company, scope: scope)
        }
        router.register(AgentAPI.rescheduleAppointment, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            return try await book.reschedule(request, company: company, scope: scope)
        }
        router.register(AgentAPI.cancelAppointment, execution: .cooperative) { [self] request, _ in
            let (company, scope) = try await company(request.companyID)
            return try await book.cancel(request, company: company, scope: scope)
        }
        router.register(AgentAPI.getAppointment, execution: .cooperative) { [self] request, _ in
            try await book.appointment(request, scope: try await company(request.companyID).1)
        }
        router.register(AgentAPI.listAppointments, execution: .cooperative) { [self] request, _ in
            try await book.list(request, scope: try await company(request.companyID).1)
        }
        router.register(AgentAPI.parseDateTime, execution: .cooperative) { [self] request, _ in
            try book.interpret(request, company: try await company(request.companyID).0)
        }
    }
}
