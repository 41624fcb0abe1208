/// The config service's methods: companies, prompts, API keys (see the tenants issue).
public enum ConfigAPI {
    /// The Wire service name.
    public static let service = ServiceName.config.rawValue

    /// Every company, with the configuration version.
    public static let listCompanies = Method<ListCompaniesRequest, ListCompaniesResponse>(
        service: service, name: "listCompanies")
    /// One company; `notFound` when unknown.
    public static let getCompany = Method<GetCompanyRequest, Company>(service: service, name: "getCompany")
    /// The company that owns a Chatwoot account; `notFound` when none does.
    public static let resolveChatwootAccount = Method<ResolveChatwootAccountRequest, ResolveChatwootAccountResponse>(
        service: service, name: "resolveChatwootAccount")
    /// Checks an API key against the stored hashes; `unauthenticated` when it matches none.
    public static let verifyAPIKey = Method<VerifyAPIKeyRequest, VerifyAPIKeyResponse>(
        service: service, name: "verifyAPIKey")

    /// Every method the config service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [
        listCompanies.descriptor, getCompany.descriptor, resolveChatwootAccount.descriptor, verifyAPIKey.descriptor,
    ]
}
