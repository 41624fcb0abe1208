/// The config service's methods: companies, prompts, API keys (see the tenants issue).
public enum ConfigAPI {
    /// The Wire service name.
    public static let service = ServiceName.config.rawValue

    /// Every company, with the configuration version. Secret fields read `Company.maskedSecret` when set.
    public static let listCompanies = Method<ListCompaniesRequest, ListCompaniesResponse>(
        service: service, name: "listCompanies")
    /// One company (secrets masked); `notFound` when unknown.
    public static let getCompany = Method<GetCompanyRequest, Company>(service: service, name: "getCompany")
    /// The company that owns a Chatwoot account; `notFound` when none does.
    public static let resolveChatwootAccount = Method<ResolveChatwootAccountRequest, ResolveChatwootAccountResponse>(
        service: service, name: "resolveChatwootAccount")
    /// Checks an API key against the stored hashes; `unauthenticated` when it matches none.
    public static let verifyAPIKey = Method<VerifyAPIKeyRequest, VerifyAPIKeyResponse>(
        service: service, name: "verifyAPIKey")

    /// Creates a company (`alreadyExists` with field metadata when an id or unique value is taken,
    /// `invalidArgument` with field metadata when a field is invalid).
    public static let createCompany = Method<CompanyChangeRequest, Company>(service: service, name: "createCompany")
    /// Replaces a company (`failedPrecondition` when `expectedRevision` is stale). Secrets sent as `***` are kept.
    public static let updateCompany = Method<CompanyChangeRequest, Company>(service: service, name: "updateCompany")
    /// Deactivates a company.
    public static let deactivateCompany = Method<CompanyActionRequest, Company>(service: service, name: "deactivateCompany")
    /// Creates an API key (argument: its name) and returns it once.
    public static let createAPIKey = Method<CompanyActionRequest, CreateAPIKeyResponse>(service: service, name: "createAPIKey")
    /// Lists a company's API keys (names and fingerprints).
    public static let listAPIKeys = Method<CompanyActionRequest, APIKeyList>(service: service, name: "listAPIKeys")
    /// Deletes an API key (argument: its id).
    public static let deleteAPIKey = Method<CompanyActionRequest, Empty>(service: service, name: "deleteAPIKey")
    /// Recent configuration changes.
    public static let listAudit = Method<ListAuditRequest, AuditList>(service: service, name: "listAudit")
    /// Re-reads the store (file edits, database changes) without restarting.
    public static let reloadConfig = Method<Empty, ReloadResponse>(service: service, name: "reloadConfig")

    /// One company's secrets, for the services that use them (`permissionDenied` for any other caller).
    public static let getCompanySecrets = Method<GetCompanySecretsRequest, CompanySecrets>(
        service: service, name: "getCompanySecrets")

    /// Long poll: returns when the configuration version passes the caller's (how services see changes
    /// within a second without polling).
    public static let watchVersion = Method<WatchVersionRequest, WatchVersionResponse>(service: service, name: "watchVersion")

    /// Metadata key carrying field-level problems (a JSON object) on `invalidArgument`/`alreadyExists` errors.
    public static let fieldErrorsMetadataKey = "field-errors"

    /// Every method the config service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [
        listCompanies.descriptor, getCompany.descriptor, resolveChatwootAccount.descriptor, verifyAPIKey.descriptor,
        createCompany.descriptor, updateCompany.descriptor, deactivateCompany.descriptor, createAPIKey.descriptor,
        listAPIKeys.descriptor, deleteAPIKey.descriptor, listAudit.descriptor, reloadConfig.descriptor,
        watchVersion.descriptor, getCompanySecrets.descriptor,
    ]
}
