import CryptoPrimitives
import Foundation
import NetworkCore
import Wire

/// The companies the config service knows, with lookup indexes, loaded from the companies file.
///
/// Reloading replaces everything at once (and bumps ``version``); a file that fails to load or validate
/// leaves the current configuration in place.
final class CompanyDirectory: Sendable {
    struct StoredKey: Sendable {
        var companyID: CompanyID
        var keyID: String
        var name: String
        var hash: [UInt8]
    }

    struct Snapshot: Sendable {
        var version: UInt64 = 0
        var companies: [CompanyID: Company] = [:]
        var chatwootAccounts: [String: CompanyID] = [:]
        var keys: [String: StoredKey] = [:]
    }

    /// A companies file that cannot be used, with every problem found.
    struct LoadError: Error, CustomStringConvertible {
        var problems: [String]
        var description: String { problems.joined(separator: "; ") }
    }

    private let state = LockedState(Snapshot())
    let path: String

    init(path: String) { self.path = path }

    var snapshot: Snapshot { state.withLock { $0 } }

    /// Loads (or reloads) the file.
    func load() throws(LoadError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(problems: ["cannot read \(path): \(error.localizedDescription)"])
        }
        let records: [String: CompanyFileRecord]
        do {
            records = try JSONDecoder().decode([String: CompanyFileRecord].self, from: data)
        } catch {
            throw LoadError(problems: ["\(path) is not a valid companies file: \(error)"])
        }
        var next = Snapshot()
        var problems: [String] = []
        var prefixes: [String: CompanyID] = [:]
        var indexes: [String: CompanyID] = [:]
        for (key, record) in records.sorted(by: { $0.key < $1.key }) {
            guard let id = CompanyID(key) else {
                problems.append("'\(key)' is not a valid company id (^[a-z0-9][a-z0-9_-]{1,49}$)")
                continue
            }
            let company = record.company(id: id)
            if let other = prefixes[company.redisPrefix] {
                problems.append("\(id): redis_prefix '\(company.redisPrefix)' is already used by \(other)")
            }
            prefixes[company.redisPrefix] = id
            if let other = indexes[company.vectorstoreIndex] {
                problems.append("\(id): vectorstore_index '\(company.vectorstoreIndex)' is already used by \(other)")
            }
            indexes[company.vectorstoreIndex] = id
            if let account = company.chatwootAccountID {
                if let other = next.chatwootAccounts[account] {
                    problems.append("\(id): chatwoot_account_id \(account) is already used by \(other)")
                }
                next.chatwootAccounts[account] = id
            }
            for key in record.apiKeys ?? [] {
                guard let hash = Digest.bytes(fromHex: key.sha256), hash.count == 32 else {
                    problems.append("\(id): API key '\(key.id)' has no valid sha256")
                    continue
                }
                if next.keys[key.id] != nil { problems.append("\(id): API key id '\(key.id)' is not unique") }
                next.keys[key.id] = StoredKey(companyID: id, keyID: key.id, name: key.name, hash: hash)
            }
            next.companies[id] = company
        }
        guard problems.isEmpty else { throw LoadError(problems: problems) }
        state.withLock { current in
            next.version = current.version + 1
            current = next
        }
    }

    /// Checks a presented API key (`cbk_<key id>_<secret>`) against the stored hash, in constant time.
    func verify(apiKey: String) -> StoredKey? {
        let parts = apiKey.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "cbk" else { return nil }
        guard let stored = state.withLock({ $0.keys[String(parts[1])] }) else { return nil }
        return Digest.constantTimeEqual(Digest.sha256(Array(apiKey.utf8)), stored.hash) ? stored : nil
    }
}
