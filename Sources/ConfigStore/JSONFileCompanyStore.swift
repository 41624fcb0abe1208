import Foundation
import Glibc
import Wire

/// Companies in a JSON file (the original system's `companies_config.json` format), written atomically:
/// a temporary file in the same directory, `fsync`, `rename`, `fsync` of the directory, so a crash
/// mid-write leaves either the old or the new file, never a torn one. The audit log is a JSON-lines file
/// beside it (`<file>.audit.jsonl`).
public struct JSONFileCompanyStore: CompanyStore {
    public let path: String
    public var location: String { "file:\(path)" }
    private var auditPath: String { path + ".audit.jsonl" }

    public init(path: String) { self.path = path }

    public func loadAll() async throws(StoreError) -> [CompanyID: StoredCompany] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable("\(path): \(error.localizedDescription)")
        }
        let records: [String: CompanyFileRecord]
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            records = try decoder.decode([String: CompanyFileRecord].self, from: data)
        } catch {
            throw .unreadable("\(path) is not a valid companies file: \(error)")
        }
        let defaults = try loadDefaultPrompts()
        let extended = try loadExtendedConfiguration()
        var result: [CompanyID: StoredCompany] = [:]
        for (key, record) in records {
            guard let id = CompanyID(key) else { throw .unreadable("'\(key)' is not a valid company id") }
            var company = record.company(id: id)
            if let prompts = defaults[key], !prompts.isEmpty { company.defaultPrompts = prompts }
            if let configuration = extended[key] { company.extendedConfiguration = configuration }
            result[id] = StoredCompany(company: company, apiKeys: record.apiKeys ?? [])
        }
        return result
    }

    /// Each company's entry of `extended_companies_config.json` beside the companies file, when present.
    func loadExtendedConfiguration() throws(StoreError) -> [String: String] {
        let extendedPath = ((path as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("extended_companies_config.json")
        guard let data = FileManager.default.contents(atPath: extendedPath) else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .unreadable("\(extendedPath) is not a JSON object")
        }
        var result: [String: String] = [:]
        for (company, entry) in object where entry is [String: Any] {
            guard let text = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys]) else { continue }
            result[company] = String(decoding: text, as: UTF8.self)
        }
        return result
    }

    /// The company default prompts of `custom_prompts.json` beside the companies file, when present:
    /// `{"<company>": {"<agent>" or "<agent>_agent": "template" | {"prompt_template": "template"}}}`.
    func loadDefaultPrompts() throws(StoreError) -> [String: [String: String]] {
        let promptsPath = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("custom_prompts.json")
        guard let data = FileManager.default.contents(atPath: promptsPath) else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .unreadable("\(promptsPath) is not a JSON object")
        }
        var result: [String: [String: String]] = [:]
        for (company, agents) in object {
            guard let agents = agents as? [String: Any] else { continue }
            for (key, value) in agents {
                let agent = key.hasSuffix("_agent") ? String(key.dropLast(6)) : key
                guard AgentKind(rawValue: agent) != nil else { continue }
                let template = (value as? String) ?? ((value as? [String: Any])?["prompt_template"] as? String)
                    ?? ((value as? [String: Any])?["template"] as? String)
                if let template, !template.isEmpty { result[company, default: [:]][agent] = template }
            }
        }
        return result
    }

    public func persist(_ changed: StoredCompany, all: [CompanyID: StoredCompany]) async throws(StoreError) {
        var records: [String: CompanyFileRecord] = [:]
        for (id, stored) in all {
            // Company defaults and extended settings live in their own files; they are not copied here.
            var company = stored.company
            company.defaultPrompts = nil
            company.extendedConfiguration = nil
            records[id.rawValue] = CompanyFileRecord(company: company, apiKeys: stored.apiKeys)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data: Data
        do {
            data = try encoder.encode(records)
        } catch {
            throw .unwritable("cannot encode the companies: \(error)")
        }
        try Self.writeAtomically(data, to: path)
    }

    public func remove(_ id: CompanyID, all: [CompanyID: StoredCompany]) async throws(StoreError) {
        guard let any = all.values.first else {
            try Self.writeAtomically(Data("{}".utf8), to: path)
            return
        }
        try await persist(any, all: all)
    }

    public func appendAudit(_ entry: AuditEntry) async throws(StoreError) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(entry) else { throw .unwritable("cannot encode an audit entry") }
        line.append(0x0A)
        let descriptor = open(auditPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unwritable("\(auditPath): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else { throw .unwritable("\(auditPath): short write") }
    }

    public func loadAudit(company: CompanyID?, limit: Int) async throws(StoreError) -> [AuditEntry] {
        guard let data = FileManager.default.contents(atPath: auditPath) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var entries: [AuditEntry] = []
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            guard let entry = try? decoder.decode(AuditEntry.self, from: Data(line)) else { continue }
            if company == nil || entry.companyID == company { entries.append(entry) }
        }
        return Array(entries.reversed().prefix(limit))
    }

    /// Replaces `path` with `data` so that readers see the old or the new content, never a mix.
    static func writeAtomically(_ data: Data, to path: String) throws(StoreError) {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .unwritable("\(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let count = write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                if count <= 0 {
                    if count < 0 && errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += count
            }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw .unwritable("\(path): \(failure)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
