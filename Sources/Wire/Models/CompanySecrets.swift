/// The secret values of one company, as `config/getCompanySecrets` returns them to the services allowed
/// to use them. Everywhere else a company's secret fields read ``Company/maskedSecret`` when set.
public struct CompanySecrets: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    /// The Chatwoot API access token used to send replies.
    public var chatwootAPIAccessToken: String?
    /// The secret Chatwoot signs webhooks with.
    public var chatwootWebhookSecret: String?
    /// Capability (`llm`, `embeddings`, `transcription`, `vision`) → that provider's API key.
    public var providerAPIKeys: [String: String]
    /// The configuration version these secrets belong to.
    public var configVersion: UInt64

    public init(companyID: CompanyID, chatwootAPIAccessToken: String? = nil, chatwootWebhookSecret: String? = nil,
                providerAPIKeys: [String: String] = [:], configVersion: UInt64 = 0) {
        self.companyID = companyID
        self.chatwootAPIAccessToken = chatwootAPIAccessToken
        self.chatwootWebhookSecret = chatwootWebhookSecret
        self.providerAPIKeys = providerAPIKeys
        self.configVersion = configVersion
    }
}
