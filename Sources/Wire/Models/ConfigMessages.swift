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
public struct GetCompanyRequest: TenantScopedRequest, Codable, Sendable, Equatable {
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

/// `config/createCompany` and `config/updateCompany` request.
public struct CompanyChangeRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var company: Company
    /// For updates: the revision the caller read (`If-Match`); nil skips the check.
    public var expectedRevision: Int?
    /// Who is making the change, for the audit log.
    public var actor: String
    public var companyID: CompanyID { company.id }
    public init(company: Company, expectedRevision: Int? = nil, actor: String) {
        self.company = company
        self.expectedRevision = expectedRevision
        self.actor = actor
    }
}

/// A request naming one company and the actor acting on it.
public struct CompanyActionRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var actor: String
    /// `createAPIKey`: the key's name; `deleteAPIKey`: the key id.
    public var argument: String?
    public init(companyID: CompanyID, actor: String, argument: String? = nil) {
        self.companyID = companyID
        self.actor = actor
        self.argument = argument
    }
}

/// `config/createAPIKey` response: the key itself, shown this once.
public struct CreateAPIKeyResponse: Codable, Sendable, Equatable {
    public var apiKey: String
    public var info: APIKeyInfo
    public init(apiKey: String, info: APIKeyInfo) {
        self.apiKey = apiKey
        self.info = info
    }
}

/// `config/listAPIKeys` response.
public struct APIKeyList: Codable, Sendable, Equatable {
    public var keys: [APIKeyInfo]
    public init(keys: [APIKeyInfo]) { self.keys = keys }
}

/// `config/listAudit` request.
public struct ListAuditRequest: Codable, Sendable, Equatable {
    public var companyID: CompanyID?
    public var limit: Int
    public init(companyID: CompanyID?, limit: Int = 100) {
        self.companyID = companyID
        self.limit = limit
    }
}

/// `config/listAudit` response, newest first.
public struct AuditList: Codable, Sendable, Equatable {
    public var entries: [AuditEntry]
    public init(entries: [AuditEntry]) { self.entries = entries }
}

/// `config/reloadConfig` response.
public struct ReloadResponse: Codable, Sendable, Equatable {
    public var version: UInt64
    public var companies: Int
    public init(version: UInt64, companies: Int) {
        self.version = version
        self.companies = companies
    }
}

/// An empty message.
public struct Empty: Codable, Sendable, Equatable {
    public init() {}
}

/// `config/watchVersion` request: answers as soon as the configuration version exceeds `knownVersion`,
/// or after `timeoutMilliseconds` with the current version (a long poll).
public struct WatchVersionRequest: Codable, Sendable, Equatable {
    public var knownVersion: UInt64
    public var timeoutMilliseconds: Int
    public init(knownVersion: UInt64, timeoutMilliseconds: Int = 20_000) {
        self.knownVersion = knownVersion
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// `config/watchVersion` response.
public struct WatchVersionResponse: Codable, Sendable, Equatable {
    public var version: UInt64
    public init(version: UInt64) { self.version = version }
}

/// `config/getCompanySecrets` request.
public struct GetCompanySecretsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}
