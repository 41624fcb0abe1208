import Wire

extension Company {
    /// A copy with every secret field (the Chatwoot token and webhook secret, each provider's API key)
    /// replaced by `transform(value, sameFieldOf: other)`. The one place that knows which fields are secrets.
    public func mappingSecrets(comparedTo other: Company?, _ transform: (String?, String?) -> String?) -> Company {
        var company = self
        if var chatwoot = company.chatwoot {
            chatwoot.apiAccessToken = transform(chatwoot.apiAccessToken, other?.chatwoot?.apiAccessToken)
            chatwoot.webhookSecret = transform(chatwoot.webhookSecret, other?.chatwoot?.webhookSecret)
            company.chatwoot = chatwoot
        }
        if var providers = company.providers {
            providers.llm.apiKey = transform(providers.llm.apiKey, other?.providers?.llm.apiKey)
            providers.embeddings.apiKey = transform(providers.embeddings.apiKey, other?.providers?.embeddings.apiKey)
            providers.transcription.apiKey = transform(providers.transcription.apiKey, other?.providers?.transcription.apiKey)
            providers.vision.apiKey = transform(providers.vision.apiKey, other?.providers?.vision.apiKey)
            company.providers = providers
        }
        return company
    }

    /// The company as it may leave the config service: each secret that is set reads ``Company/maskedSecret``.
    public var maskingSecrets: Company {
        mappingSecrets(comparedTo: nil) { value, _ in
            guard let value, !value.isEmpty else { return value }
            return Company.maskedSecret
        }
    }

    /// Secrets sent back as ``Company/maskedSecret`` take the value stored in `stored`.
    public func keepingMaskedSecrets(from stored: Company) -> Company {
        mappingSecrets(comparedTo: stored) { value, previous in value == Company.maskedSecret ? previous : value }
    }

    /// The company's secret values.
    public func secrets(configVersion: UInt64) -> CompanySecrets {
        var keys: [String: String] = [:]
        for (name, settings) in providers?.byCapability ?? [] {
            if let key = settings.apiKey, !key.isEmpty { keys[name] = key }
        }
        return CompanySecrets(companyID: id, chatwootAPIAccessToken: chatwoot?.apiAccessToken,
                              chatwootWebhookSecret: chatwoot?.webhookSecret, providerAPIKeys: keys,
                              configVersion: configVersion)
    }
}
