/// A request that acts on one company's data.
///
/// The RPC server checks every such call before its handler runs: the call's `tenant` metadata must name
/// the same company as the request, or the call fails with `permissionDenied`. A caller therefore has to
/// state, in the metadata the gateway fills from the authenticated request, which tenant it acts for; a
/// request built for another company by mistake never reaches a store.
public protocol TenantScopedRequest: Sendable {
    /// The company the request acts on.
    var companyID: CompanyID { get }
}
