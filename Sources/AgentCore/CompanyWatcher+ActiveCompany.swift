import ServiceRuntime
import TenantStorage
import Wire
import WireRPC

extension CompanyWatcher {
    /// The active company `id` and its storage scope, from the service's copy of the configuration (asked
    /// again of the config service when the company is not in it yet); `notFound` for an unknown or
    /// inactive company.
    func activeCompany(_ id: CompanyID) async throws(RPCError) -> (Company, TenantScope) {
        var found = company(id)
        if found == nil {
            try? await refresh()
            found = company(id)
        }
        guard let company = found, company.isActive else { throw RPCError(.notFound, "unknown company '\(id)'") }
        do {
            return (company, try TenantScope(company: company))
        } catch {
            throw RPCError(.invalidArgument, "company '\(company.id)' has no valid namespaces: \(error)")
        }
    }
}
