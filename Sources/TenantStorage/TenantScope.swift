import CompanyModel
import Wire

/// Everything a store needs to keep one company's data apart from every other's: its id, its Redis key
/// prefix and its vector index name.
///
/// Built only from a company whose naming fields pass ``CompanyValidator`` (the config service validated
/// it; the check here makes the type's guarantee local), so a scope can never carry an empty prefix, a
/// prefix that contains another tenant's, or a wildcard. Service-side stores take a `TenantScope`, never a
/// loose string, and build every key, row and file name through it.
public struct TenantScope: Sendable, Hashable, CustomStringConvertible {
    /// The tenant.
    public let companyID: CompanyID
    /// The Redis key prefix (`benova:`), ending in `:`.
    public let redisPrefix: String
    /// The vector index name (`benova_documents`).
    public let vectorIndex: String

    /// Why a company cannot become a scope.
    public enum Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        case redisPrefix(String)
        case vectorIndex(String)

        public var description: String {
            switch self {
            case .redisPrefix(let prefix): return "'\(prefix)' is not a valid Redis prefix"
            case .vectorIndex(let index): return "'\(index)' is not a valid vector index name"
            }
        }
    }

    /// The scope of `company`.
    public init(company: Company) throws(Invalid) {
        guard CompanyValidator.isValidPrefix(company.redisPrefix, id: company.id) else { throw .redisPrefix(company.redisPrefix) }
        guard !company.vectorstoreIndex.isEmpty, company.vectorstoreIndex.utf8.count <= 100,
              company.vectorstoreIndex.utf8.allSatisfy(CompanyValidator.isIndexCharacter) else {
            throw .vectorIndex(company.vectorstoreIndex)
        }
        companyID = company.id
        redisPrefix = company.redisPrefix
        vectorIndex = company.vectorstoreIndex
    }

    /// A Redis key inside the tenant's prefix: `redisKey("conversation", "chatwoot_contact_42")` →
    /// `benova:conversation:chatwoot_contact_42`. Parts are joined with `:`; a part may hold any text
    /// (it cannot leave the prefix, which is always at the front).
    public func redisKey(_ parts: String...) -> String { redisKey(parts) }

    /// A Redis key inside the tenant's prefix from a list of parts.
    public func redisKey(_ parts: [String]) -> String { redisPrefix + parts.joined(separator: ":") }

    /// A Redis key inside the tenant's vector index namespace: `benova_documents:<chunk>`.
    public func vectorKey(_ parts: String...) -> String { ([vectorIndex] + parts).joined(separator: ":") }

    /// Whether `key` belongs to this tenant's Redis namespaces.
    public func owns(redisKey key: String) -> Bool {
        key.hasPrefix(redisPrefix) || key.hasPrefix(vectorIndex + ":")
    }

    /// The tenant's directory under a data root (`<root>/tenants/<company id>`); the id is validated, so it
    /// can hold no `/` or `..`.
    public func directory(under root: String) -> String { Self.directory(of: companyID, under: root) }

    /// The directory of a company under a data root, for the operations that outlive its configuration
    /// (a purge after the company is gone).
    public static func directory(of company: CompanyID, under root: String) -> String {
        (root.hasSuffix("/") ? root : root + "/") + "tenants/" + company.rawValue
    }

    public var description: String { companyID.rawValue }
}
