import TenantStorage
import Wire
import WireRPC

extension RPCRouter {
    /// Registers the standard purge method of a service that keeps tenant data. The company comes from the
    /// service's copy of the configuration (inactive ones included: the gateway purges before deleting; the
    /// copy is refreshed once when it does not know the company), its ``TenantScope`` is built, and `erase`
    /// removes the data and says how many `items` it removed. An unknown company has nothing here.
    public mutating func registerTenantPurge(service: ServiceName, companies: CompanyWatcher, items: String,
                                             erase: @escaping @Sendable (TenantScope) async throws -> Int) {
        register(StandardMethods.purgeTenant, execution: .cooperative) { request, context in
            var company = companies.company(request.companyID)
            if company == nil {
                try? await companies.refresh()
                company = companies.company(request.companyID)
            }
            guard let company else {
                context.logger.warning("purge of \(request.companyID) requested by \(request.actor): unknown company, nothing erased")
                return PurgeTenantResponse(service: service.rawValue, itemsRemoved: 0)
            }
            let scope: TenantScope
            do {
                scope = try TenantScope(company: company)
            } catch {
                throw RPCError(.invalidArgument, "company '\(company.id)' has no valid namespaces: \(error)")
            }
            let removed = try await erase(scope)
            context.logger.info("purge of \(request.companyID) requested by \(request.actor): \(removed) \(items) erased")
            return PurgeTenantResponse(service: service.rawValue, itemsRemoved: removed)
        }
    }
}
