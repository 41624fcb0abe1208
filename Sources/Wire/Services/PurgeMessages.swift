/// The request of the standard `purgeTenant` method: erase everything a service holds for one company.
public struct PurgeTenantRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var actor: String
    public init(companyID: CompanyID, actor: String) {
        self.companyID = companyID
        self.actor = actor
    }
}

/// The answer of `purgeTenant`: how many items (documents, conversations, files...) were erased.
public struct PurgeTenantResponse: Codable, Sendable, Equatable {
    public var service: String
    public var itemsRemoved: Int
    public init(service: String, itemsRemoved: Int) {
        self.service = service
        self.itemsRemoved = itemsRemoved
    }
}
