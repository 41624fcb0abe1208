extension Company {
    /// A copy with every secret field (Chatwoot token and webhook secret, each provider's API key) replaced
    /// by `transform(value, sameFieldOf: other)`. The one place that knows which fields are secrets: used
    /// to mask answers and to keep stored secrets when a client sends back the mask.
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
}
