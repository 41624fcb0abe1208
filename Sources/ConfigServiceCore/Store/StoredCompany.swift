import Wire

/// A company with the API keys stored for it.
///
/// In the companies file (and the PostgreSQL `settings` column) it is the company's own JSON object plus
/// an `api_keys` array: one object, decoded and encoded through ``Company``'s single schema.
public struct StoredCompany: Codable, Sendable, Equatable {
    public var company: Company
    public var apiKeys: [APIKeyFileRecord]

    public init(company: Company, apiKeys: [APIKeyFileRecord] = []) {
        self.company = company
        self.apiKeys = apiKeys
    }

    private enum Keys: String, CodingKey { case apiKeys = "api_keys" }

    public init(from decoder: any Decoder) throws {
        company = try Company(from: decoder)
        apiKeys = try decoder.container(keyedBy: Keys.self).decodeIfPresent([APIKeyFileRecord].self, forKey: .apiKeys) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        try company.encode(to: encoder)
        if !apiKeys.isEmpty {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(apiKeys, forKey: .apiKeys)
        }
    }
}

/// An API key as stored: never the key itself, only its SHA-256.
public struct APIKeyFileRecord: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var sha256: String
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name, sha256, createdAt = "created_at"
    }

    public init(id: String, name: String, sha256: String, createdAt: String?) {
        self.id = id
        self.name = name
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}
