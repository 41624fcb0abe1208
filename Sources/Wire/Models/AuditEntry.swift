import Foundation

/// One change to the configuration: who did what to which company, and when.
public struct AuditEntry: Codable, Sendable, Equatable {
    public var at: Date
    /// The credential that made the change (`admin:api-key`, `jwt:ana`...).
    public var actor: String
    public var companyID: CompanyID
    /// `create`, `update`, `deactivate`, `create_api_key`, `delete_api_key`...
    public var action: String
    /// The fields that changed (names only: values may be secrets).
    public var fields: [String]

    public init(at: Date, actor: String, companyID: CompanyID, action: String, fields: [String] = []) {
        self.at = at
        self.actor = actor
        self.companyID = companyID
        self.action = action
        self.fields = fields
    }
}

/// An API key's public description: never the key or its hash.
public struct APIKeyInfo: Codable, Sendable, Equatable {
    public var keyID: String
    public var name: String
    /// The first 12 hex digits of the key's SHA-256, to recognise it.
    public var fingerprint: String
    public var createdAt: String?

    public init(keyID: String, name: String, fingerprint: String, createdAt: String?) {
        self.keyID = keyID
        self.name = name
        self.fingerprint = fingerprint
        self.createdAt = createdAt
    }
}
