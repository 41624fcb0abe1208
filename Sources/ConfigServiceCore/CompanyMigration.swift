import Foundation
import ServiceLogging
import Wire

/// `config-service migrate`: copies the companies file (with its API key hashes) into PostgreSQL.
///
/// Idempotent: companies already in the database with the same settings are left alone, so a second run
/// changes nothing; the audit log records each import.
public enum CompanyMigration {
    public static func run(from path: String, to url: String, logger: Logger) async -> Int32 {
        let source = JSONFileCompanyStore(path: path)
        let target = PostgresCompanyStore(url: url)
        do {
            try await target.migrate()
            let incoming = try await source.loadAll()
            var existing = try await target.loadAll()
            var imported = 0
            var unchanged = 0
            for (id, stored) in incoming.sorted(by: { $0.key < $1.key }) {
                if let current = existing[id], Self.sameSettings(current, stored) {
                    unchanged += 1
                    continue
                }
                existing[id] = stored
                try await target.persist(stored, all: existing)
                try await target.appendAudit(AuditEntry(at: Date(), actor: "migrate", companyID: id, action: "import",
                                                        fields: ["source:\((path as NSString).lastPathComponent)"]))
                imported += 1
            }
            logger.info("migrate: \(imported) imported, \(unchanged) unchanged, into \(target.location)")
            return 0
        } catch {
            logger.critical("migrate failed: \(error)")
            return 1
        }
    }

    /// Compares what matters (not timestamps the database may round).
    static func sameSettings(_ a: StoredCompany, _ b: StoredCompany) -> Bool {
        var left = a.company
        var right = b.company
        left.createdAt = nil
        left.updatedAt = nil
        right.createdAt = nil
        right.updatedAt = nil
        return left == right && a.apiKeys == b.apiKeys
    }
}
