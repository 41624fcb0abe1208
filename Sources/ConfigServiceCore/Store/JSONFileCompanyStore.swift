import BlockingIO
import CompanyModel
import Foundation
import Glibc
import Wire

/// Companies in a JSON file (the original system's `companies_config.json` format), written atomically:
/// a temporary file in the same directory, `fsync`, `rename`, `fsync` of the directory, so a crash
/// mid-write leaves either the old or the new file, never a torn one. The audit log is a JSON-lines file
/// beside it (`<file>.audit.jsonl`).
///
/// Every read, write and `fsync` runs on a ``BlockingIOPool`` thread, never on the caller's.
public struct JSONFileCompanyStore: CompanyStore {
    public let path: String
    public var location: String { "file:\(path)" }
    private var auditPath: String { path + ".audit.jsonl" }
    private let io: BlockingIOPool

    public init(path: String, io: BlockingIOPool = .shared) {
        self.path = path
        self.io = io
    }

    /// Runs `body` on the I/O pool, mapping the pool's own failures to store errors.
    private func onIOThread<T: Sendable>(_ body: @escaping @Sendable () throws(StoreError) -> T) async throws(StoreError) -> T {
        do {
            return try await io.run(timeout: .seconds(30)) { (_) throws(StoreError) -> T in try body() }
        } catch {
            switch error {
            case .failed(let failure): throw failure
            case .cancelled: throw .unwritable("\(path): the operation was cancelled")
            case .timedOut: throw .unwritable("\(path): the disk did not answer within 30 s")
            case .rejected(let reason): throw .unwritable("\(path): \(reason)")
            }
        }
    }

    public func loadAll() async throws(StoreError) -> [CompanyID: StoredCompany] {
        let path = self.path
        return try await onIOThread { () throws(StoreError) in try Self.load(path) }
    }

    static func load(_ path: String) throws(StoreError) -> [CompanyID: StoredCompany] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable("\(path): \(String(cString: strerror(errno)))")
        }
        guard let entries = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .unreadable("\(path) is not a JSON object of companies")
        }
        let defaults = try loadDefaultPrompts(besides: path)
        let extended = try loadExtendedConfiguration(besides: path)
        var result: [CompanyID: StoredCompany] = [:]
        for (key, value) in entries {
            guard let id = CompanyID(key) else { throw .unreadable("'\(key)' is not a valid company id") }
            guard let object = value as? [String: Any] else { throw .unreadable("the entry of \(key) is not an object") }
            var stored: StoredCompany
            do {
                stored = try CompanyJSONCoding.decode(StoredCompany.self, from: object, id: key)
            } catch {
                throw .unreadable("\(path): the entry of \(key) is not a valid company: \(error)")
            }
            if let prompts = defaults[key], !prompts.isEmpty { stored.company.defaultPrompts = prompts }
            if let configuration = extended[key] { stored.company.extendedConfiguration = configuration }
            result[id] = stored
        }
        return result
    }

    /// Each company's entry of `extended_companies_config.json` beside the companies file, when present.
    static func loadExtendedConfiguration(besides path: String) throws(StoreError) -> [String: String] {
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
    static func loadDefaultPrompts(besides path: String) throws(StoreError) -> [String: [String: String]] {
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
        var records: [String: StoredCompany] = [:]
        for (id, stored) in all {
            // Company defaults and extended settings live in their own files; they are not copied here.
            var stored = stored
            stored.company.defaultPrompts = nil
            stored.company.extendedConfiguration = nil
            records[id.rawValue] = stored
        }
        let data: Data
        do {
            data = try CompanyJSONCoding.encoder(pretty: true).encode(records)
        } catch {
            throw .unwritable("cannot encode the companies: \(error)")
        }
        let path = self.path
        try await onIOThread { () throws(StoreError) in try Self.writeAtomically(data, to: path) }
    }

    public func remove(_ id: CompanyID, all: [CompanyID: StoredCompany]) async throws(StoreError) {
        guard let any = all.values.first else {
            let path = self.path
            try await onIOThread { () throws(StoreError) in try Self.writeAtomically(Data("{}".utf8), to: path) }
            return
        }
        try await persist(any, all: all)
    }

    public func appendAudit(_ entry: AuditEntry) async throws(StoreError) {
        guard var line = try? CompanyJSONCoding.encoder().encode(entry) else { throw .unwritable("cannot encode an audit entry") }
        line.append(0x0A)
        let auditPath = self.auditPath
        let bytes = line
        try await onIOThread { () throws(StoreError) in
            let descriptor = open(auditPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw .unwritable("\(auditPath): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count, fsync(descriptor) == 0 else { throw .unwritable("\(auditPath): short write") }
        }
    }

    public func loadAudit(company: CompanyID?, limit: Int) async throws(StoreError) -> [AuditEntry] {
        let auditPath = self.auditPath
        return try await onIOThread { () throws(StoreError) -> [AuditEntry] in
            guard let data = FileManager.default.contents(atPath: auditPath) else { return [] }
            let decoder = CompanyJSONCoding.decoder()
            var entries: [AuditEntry] = []
            for line in data.split(separator: 0x0A) where !line.isEmpty {
                guard let entry = try? decoder.decode(AuditEntry.self, from: Data(line)) else { continue }
                if company == nil || entry.companyID == company { entries.append(entry) }
            }
            return Array(entries.reversed().prefix(limit))
        }
    }

    /// Replaces `path` with `data` so that readers see the old or the new content, never a mix (blocking:
    /// call it on an I/O thread).
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
