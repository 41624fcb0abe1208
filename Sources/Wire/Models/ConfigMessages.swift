/// `config/listCompanies` request.
public struct ListCompaniesRequest: Codable, Sendable, Equatable {
    /// Include deactivated companies.
    public var includeInactive: Bool
    public init(includeInactive: Bool = true) { self.includeInactive = includeInactive }
}

/// `config/listCompanies` response: every company and the configuration version they belong to.
public struct ListCompaniesResponse: Codable, Sendable, Equatable {
    /// Increases whenever the configuration changes; caches compare it to know they are stale.
    public var version: UInt64
    public var companies: [Company]
    public init(version: UInt64, companies: [Company]) {
        self.version = version
        self.companies = companies
    }
}

/// `config/getCompany` request.
public struct GetCompanyRequest: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// `config/resolveChatwootAccount` request: which company owns a Chatwoot account.
public struct ResolveChatwootAccountRequest: Codable, Sendable, Equatable {
    public var accountID: String
    public init(accountID: String) { self.accountID = accountID }
}

/// `config/resolveChatwootAccount` response.
public struct ResolveChatwootAccountResponse: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// `config/verifyAPIKey` request: the key exactly as the client presented it.
public struct VerifyAPIKeyRequest: Codable, Sendable, Equatable {
    public var apiKey: String
    public init(apiKey: String) { self.apiKey = apiKey }
}

/// `config/verifyAPIKey` response for a valid key: the one company it is bound to.
public struct VerifyAPIKeyResponse: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var keyID: String
    public var name: String
    public init(companyID: CompanyID, keyID: String, name: String) {
        self.companyID = companyID
        self.keyID = keyID
        self.name = name
    }
}
