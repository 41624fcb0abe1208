import Foundation
import Wire

/// Why a store operation failed.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data cannot be read or parsed (message says where).
    case unreadable(String)
    /// The store cannot be written (disk full, permissions, database down).
    case unwritable(String)

    public var description: String {
        switch self {
        case .unreadable(let message): return "cannot read the configuration: \(message)"
        case .unwritable(let message): return "cannot write the configuration: \(message)"
        }
    }
}

/// Where company configuration lives: a JSON file (small installs) or PostgreSQL (enterprise).
///
/// Both behave the same through ``ConfigManager``, which validates, versions and audits every change;
/// a store only loads and persists.
public protocol CompanyStore: Sendable {
    /// A short description for logs and health (`file:/path`, `postgresql://host/db`).
    var location: String { get }
    /// Every company with its keys.
    func loadAll() async throws(StoreError) -> [CompanyID: StoredCompany]
    /// Persists `changed` (the new state of one company); `all` is the whole new state.
    func persist(_ changed: StoredCompany, all: [CompanyID: StoredCompany]) async throws(StoreError)
    /// Erases `id` (and its keys) for good; `all` is the whole new state (without it).
    func remove(_ id: CompanyID, all: [CompanyID: StoredCompany]) async throws(StoreError)
    /// Appends an audit entry.
    func appendAudit(_ entry: AuditEntry) async throws(StoreError)
    /// The most recent audit entries, newest first, optionally for one company.
    func loadAudit(company: CompanyID?, limit: Int) async throws(StoreError) -> [AuditEntry]
}
