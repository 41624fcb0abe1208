import Foundation
import SQLiteClient
import TenantStorage
import Wire

/// The embedded document store: one SQLite database (WAL) for every tenant, each row keyed by its
/// `company_id`, vectors as little-endian float32 blobs. All work runs on the database's own threads.
public final class SQLiteDocumentStore: DocumentStore {
    private let database: SQLiteDatabase

    static let migrations = [
        SQLiteMigration(version: 1, statements: [
            """
            CREATE TABLE documents (
                company_id TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL,
                metadata TEXT NOT NULL, category TEXT, content_hash TEXT NOT NULL,
                created_at REAL NOT NULL, updated_at REAL NOT NULL, chunk_count INTEGER NOT NULL,
                PRIMARY KEY (company_id, id)
            ) WITHOUT ROWID
            """,
            "CREATE INDEX documents_newest ON documents (company_id, created_at DESC, id DESC)",
            """
            CREATE TABLE chunks (
                company_id TEXT NOT NULL, document_id TEXT NOT NULL, chunk_index INTEGER NOT NULL,
                heading TEXT NOT NULL, content TEXT NOT NULL, embedder TEXT, vector BLOB,
                PRIMARY KEY (company_id, document_id, chunk_index)
            ) WITHOUT ROWID
            """,
        ]),
        SQLiteMigration(version: 2, statements: [
            "CREATE TABLE tenant_versions (company_id TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID",
        ]),
        // The change log: per document, the version of its last change ('*' for a purge).
        SQLiteMigration(version: 3, statements: [
            """
            CREATE TABLE document_changes (company_id TEXT NOT NULL, document_id TEXT NOT NULL, version INTEGER NOT NULL,
                PRIMARY KEY (company_id, document_id)) WITHOUT ROWID
            """,
            "CREATE INDEX document_changes_by_version ON document_changes (company_id, version)",
        ]),
        // Embedding jobs: which documents a background embedding covers (its progress is read from the index).
        SQLiteMigration(version: 4, statements: [
            """
            CREATE TABLE embedding_jobs (company_id TEXT NOT NULL, id TEXT NOT NULL, embedder TEXT NOT NULL,
                document_ids TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (company_id, id)) WITHOUT ROWID
            """,
        ]),
    ]

    /// Raises the tenant's version and records `document` as changed at the new version.
    static func recordChange(_ company: String, _ document: String, on connection: SQLiteConnection) throws(SQLiteError) {
        _ = try connection.execute(bumpVersion, [.text(company)])
        _ = try connection.execute(
            """
            INSERT OR REPLACE INTO document_changes (company_id, document_id, version)
            SELECT ?, ?, version FROM tenant_versions WHERE company_id = ?
            """, [.text(company), .text(document), .text(company)])
    }

    static let bumpVersion =
        "INSERT INTO tenant_versions (company_id, version) VALUES (?, 1) ON CONFLICT (company_id) DO UPDATE SET version = version + 1"

    /// Opens (creating) the database at `path`.
    public init(path: String) async throws(DocumentStoreError) {
        do {
            database = try await SQLiteDatabase.open(path: path, migrations: Self.migrations)
        } catch {
            throw DocumentStoreError("cannot open the document database \(path): \(error)")
        }
    }

    public func close() { database.close() }

    private func failure(_ error: SQLiteError) -> DocumentStoreError { DocumentStoreError("document database: \(error.message)") }

    public func put(_ documents: [StoredDocumentWithChunks], in scope: TenantScope) async throws(DocumentStoreError) -> [Bool] {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> [Bool] in
            try documents.map { (item) throws(SQLiteError) -> Bool in
                try Self.recordChange(company, item.document.id, on: connection)
                return try Self.put(item, company: company, on: connection) != nil
            }
        }
    }

    public func putVectors(documentID: String, contentHash: String, embedder: String, vectors: [Int: [Float]],
                           in scope: TenantScope) async throws(DocumentStoreError) -> Bool {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Bool in
            guard try connection.query("SELECT 1 FROM documents WHERE company_id = ? AND id = ? AND content_hash = ?",
                                       [.text(company), .text(documentID), .text(contentHash)]).first != nil else { return false }
            try Self.recordChange(company, documentID, on: connection)
            for (chunkIndex, vector) in vectors {
                let bindings: [SQLiteValue] = [.text(embedder), .blob(VectorBlob.encode(vector)), .text(company), .text(documentID),
                                               .integer(chunkIndex)]
                _ = try connection.execute(
                    "UPDATE chunks SET embedder = ?, vector = ? WHERE company_id = ? AND document_id = ? AND chunk_index = ?", bindings)
            }
            return true
        }
    }

    public func putJob(_ job: EmbeddingJobRecord, in scope: TenantScope) async throws(DocumentStoreError) {
        let company = scope.companyID.rawValue
        let documents = String(decoding: (try? JSONEncoder().encode(job.documentIDs)) ?? Data("[]".utf8), as: UTF8.self)
        try await writing { (connection) throws(SQLiteError) in
            _ = try connection.execute("DELETE FROM embedding_jobs WHERE company_id = ? AND created_at < ?",
                                       [.text(company), .real(Date().timeIntervalSince1970 - EmbeddingJobRecord.retention)])
            _ = try connection.execute(
                "INSERT OR REPLACE INTO embedding_jobs (company_id, id, embedder, document_ids, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(company), .text(job.id), .text(job.embedder), .text(documents), .real(job.createdAt.timeIntervalSince1970)])
        }
    }

    public func job(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> EmbeddingJobRecord? {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> EmbeddingJobRecord? in
            guard let row = try connection.query(
                "SELECT embedder, document_ids, created_at FROM embedding_jobs WHERE company_id = ? AND id = ? AND created_at >= ?",
                [.text(company), .text(id), .real(Date().timeIntervalSince1970 - EmbeddingJobRecord.retention)]).first,
                let embedder = row.text(0), let documents = row.text(1),
                let ids = try? JSONDecoder().decode([String].self, from: Data(documents.utf8)) else { return nil }
            return EmbeddingJobRecord(id: id, documentIDs: ids, embedder: embedder, createdAt: Date(timeIntervalSince1970: row.real(2) ?? 0))
        }
    }

    public func document(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> StoredDocumentWithChunks? {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> StoredDocumentWithChunks? in
            try Self.document(id, company: company, on: connection)
        }
    }

    public func delete(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> Int? {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int? in try Self.delete(id, company: company, on: connection) }
    }

    public func list(in scope: TenantScope, offset: Int, limit: Int, category: String?) async throws(DocumentStoreError)
        -> (total: Int, documents: [StoredDocument]) {
        let company = scope.companyID.rawValue
        let page = try await reading { (connection) throws(SQLiteError) -> DocumentPage in
            try Self.list(company: company, offset: offset, limit: limit, category: category, on: connection)
        }
        return (page.total, page.documents)
    }

    public func all(in scope: TenantScope) async throws(DocumentStoreError) -> [StoredDocumentWithChunks] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [StoredDocumentWithChunks] in
            try Self.all(company: company, on: connection)
        }
    }

    public func categories(in scope: TenantScope) async throws(DocumentStoreError) -> [String: Int] {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> [String: Int] in
            var result: [String: Int] = [:]
            let rows = try connection.query("SELECT COALESCE(category, ''), COUNT(*) FROM documents WHERE company_id = ? GROUP BY 1",
                                            [.text(company)])
            for row in rows { result[row.text(0) ?? ""] = row.int(1) ?? 0 }
            return result
        }
    }

    public func purge(_ scope: TenantScope) async throws(DocumentStoreError) -> Int {
        let id = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int in
            _ = try connection.execute("DELETE FROM document_changes WHERE company_id = ?", [.text(id)])
            try Self.recordChange(id, "*", on: connection)
            _ = try connection.execute("DELETE FROM chunks WHERE company_id = ?", [.text(id)])
            _ = try connection.execute("DELETE FROM embedding_jobs WHERE company_id = ?", [.text(id)])
            return try connection.execute("DELETE FROM documents WHERE company_id = ?", [.text(id)])
        }
    }

    public func version(in scope: TenantScope) async throws(DocumentStoreError) -> UInt64 {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> UInt64 in
            UInt64(try connection.query("SELECT version FROM tenant_versions WHERE company_id = ?", [.text(company)]).first?.integer(0) ?? 0)
        }
    }

    public func changes(in scope: TenantScope, after version: UInt64) async throws(DocumentStoreError) -> StoreChanges {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> StoreChanges in
            let current = UInt64(try connection.query("SELECT version FROM tenant_versions WHERE company_id = ?",
                                                      [.text(company)]).first?.integer(0) ?? 0)
            let rows = try connection.query("SELECT document_id FROM document_changes WHERE company_id = ? AND version > ?",
                                            [.text(company), .integer(Int64(clamping: version))])
            let documents = Set(rows.compactMap { $0.text(0) })
            // A version older than the store's log (a reset store) counts as a reset too.
            return StoreChanges(version: current, documents: documents.subtracting(["*"]), reset: documents.contains("*") || version > current)
        }
    }

    public func audit(in scope: TenantScope) async throws(DocumentStoreError) -> StoreAudit {
        let company = scope.companyID.rawValue
        return try await reading { (connection) throws(SQLiteError) -> StoreAudit in
            var documents: [String: StoredDocumentAudit] = [:]
            try connection.forEachRow("SELECT id, content_hash, chunk_count FROM documents WHERE company_id = ?", [.text(company)]) { row in
                documents[row.text(0) ?? ""] = StoredDocumentAudit(contentHash: row.text(1) ?? "", declaredChunks: row.int(2) ?? 0,
                                                                   presentChunks: 0, chunksWithoutVector: 0)
            }
            var orphans = 0
            try connection.forEachRow(
                """
                SELECT document_id, chunk_index, vector IS NULL OR length(vector) % 4 != 0 OR length(vector) = 0
                FROM chunks WHERE company_id = ?
                """, [.text(company)]) { row in
                guard let id = row.text(0), let index = row.int(1), var entry = documents[id], index < entry.declaredChunks else {
                    orphans += 1
                    return
                }
                entry.presentChunks += 1
                if row.int(2) == 1 { entry.chunksWithoutVector += 1 }
                documents[id] = entry
            }
            return StoreAudit(documents: documents, orphanChunks: orphans)
        }
    }

    public func removeOrphanChunks(in scope: TenantScope) async throws(DocumentStoreError) -> Int {
        let company = scope.companyID.rawValue
        return try await writing { (connection) throws(SQLiteError) -> Int in
            try connection.execute(
                """
                DELETE FROM chunks WHERE company_id = ? AND NOT EXISTS (
                    SELECT 1 FROM documents d WHERE d.company_id = chunks.company_id AND d.id = chunks.document_id
                        AND chunks.chunk_index < d.chunk_count)
                """, [.text(company)])
        }
    }

    public func tenants() async throws(DocumentStoreError) -> [CompanyID] {
        try await reading { (connection) throws(SQLiteError) -> [CompanyID] in
            try connection.query("SELECT DISTINCT company_id FROM documents").compactMap { $0.text(0).flatMap(CompanyID.init) }
        }
    }

    // MARK: Running

    private func writing<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(DocumentStoreError) -> T {
        do {
            return try await database.write(body)
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` on a reader inside one transaction (a consistent snapshot).
    private func reading<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteError) -> T
    ) async throws(DocumentStoreError) -> T {
        do {
            return try await database.read { (connection) throws(SQLiteError) -> T in
                try connection.execute("BEGIN")
                defer { _ = try? connection.execute("COMMIT") }
                return try body(connection)
            }
        } catch {
            throw failure(error)
        }
    }

    struct DocumentPage: Sendable {
        var total: Int
        var documents: [StoredDocument]
    }

    // MARK: Statements

    static func put(_ item: StoredDocumentWithChunks, company: String, on connection: SQLiteConnection) throws(SQLiteError) -> StoredDocument? {
        let document = item.document
        let key: [SQLiteValue] = [.text(company), .text(document.id)]
        let existing = try connection.query(selectDocument + " WHERE company_id = ? AND id = ?", key).first.map(Self.document)
        _ = try connection.execute("DELETE FROM chunks WHERE company_id = ? AND document_id = ?", key)
        let created = (existing?.createdAt ?? document.createdAt).timeIntervalSince1970
        let row: [SQLiteValue] = key + [
            .text(document.title), .text(document.content), .text(document.metadataJSON), document.category.map { .text($0) } ?? .null,
            .text(document.contentHash), .real(created), .real(document.updatedAt.timeIntervalSince1970), .integer(item.chunks.count),
        ]
        _ = try connection.execute(
            """
            INSERT OR REPLACE INTO documents (company_id, id, title, content, metadata, category, content_hash,
                created_at, updated_at, chunk_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, row)
        for chunk in item.chunks {
            let values: [SQLiteValue] = key + [
                .integer(chunk.index), .text(chunk.heading), .text(chunk.content), chunk.embedder.map { .text($0) } ?? .null,
                chunk.vector.map { .blob(VectorBlob.encode($0)) } ?? .null,
            ]
            _ = try connection.execute(
                "INSERT INTO chunks (company_id, document_id, chunk_index, heading, content, embedder, vector) VALUES (?, ?, ?, ?, ?, ?, ?)",
                values)
        }
        return existing
    }

    static func document(_ id: String, company: String, on connection: SQLiteConnection) throws(SQLiteError) -> StoredDocumentWithChunks? {
        let key: [SQLiteValue] = [.text(company), .text(id)]
        guard let row = try connection.query(selectDocument + " WHERE company_id = ? AND id = ?", key).first else { return nil }
        let chunks = try connection.query(
            "SELECT chunk_index, heading, content, embedder, vector FROM chunks WHERE company_id = ? AND document_id = ? ORDER BY chunk_index",
            key).map(Self.chunk)
        return StoredDocumentWithChunks(document: Self.document(row), chunks: chunks)
    }

    static func delete(_ id: String, company: String, on connection: SQLiteConnection) throws(SQLiteError) -> Int? {
        let key: [SQLiteValue] = [.text(company), .text(id)]
        guard let count = try connection.query("SELECT chunk_count FROM documents WHERE company_id = ? AND id = ?", key).first?.int(0) else {
            return nil
        }
        _ = try connection.execute("DELETE FROM chunks WHERE company_id = ? AND document_id = ?", key)
        _ = try connection.execute("DELETE FROM documents WHERE company_id = ? AND id = ?", key)
        try recordChange(company, id, on: connection)
        return count
    }

    static func list(company: String, offset: Int, limit: Int, category: String?, on connection: SQLiteConnection) throws(SQLiteError)
        -> DocumentPage {
        let condition = category == nil ? "company_id = ?" : "company_id = ? AND category = ?"
        var bindings: [SQLiteValue] = [.text(company)]
        if let category { bindings.append(.text(category)) }
        let total = try connection.query("SELECT COUNT(*) FROM documents WHERE \(condition)", bindings).first?.int(0) ?? 0
        let rows = try connection.query(selectDocument + " WHERE \(condition) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                        bindings + [.integer(limit), .integer(offset)])
        return DocumentPage(total: total, documents: rows.map(Self.document))
    }

    static func all(company: String, on connection: SQLiteConnection) throws(SQLiteError) -> [StoredDocumentWithChunks] {
        var documents: [StoredDocumentWithChunks] = []
        var position: [String: Int] = [:]
        // The documents' full text is not needed to build an index (the chunks carry it).
        let header = "SELECT id, title, '', metadata, category, content_hash, created_at, updated_at, chunk_count FROM documents"
        try connection.forEachRow(header + " WHERE company_id = ? ORDER BY created_at, id", [.text(company)]) { row in
            let document = Self.document(row)
            position[document.id] = documents.count
            documents.append(StoredDocumentWithChunks(document: document, chunks: []))
        }
        try connection.forEachRow(
            "SELECT chunk_index, heading, content, embedder, vector, document_id FROM chunks WHERE company_id = ? ORDER BY document_id, chunk_index",
            [.text(company)]) { row in
            guard let id = row.text(5), let index = position[id] else { return }
            documents[index].chunks.append(Self.chunk(row))
        }
        return documents
    }

    // MARK: Rows

    static let selectDocument =
        "SELECT id, title, content, metadata, category, content_hash, created_at, updated_at, chunk_count FROM documents"

    static func document(_ row: SQLiteRow) -> StoredDocument {
        StoredDocument(id: row.text(0) ?? "", title: row.text(1) ?? "", content: row.text(2) ?? "", metadataJSON: row.text(3) ?? "{}",
                       category: row.text(4), contentHash: row.text(5) ?? "",
                       createdAt: Date(timeIntervalSince1970: row.real(6) ?? 0), updatedAt: Date(timeIntervalSince1970: row.real(7) ?? 0),
                       chunkCount: row.int(8) ?? 0)
    }

    static func chunk(_ row: SQLiteRow) -> StoredChunk {
        StoredChunk(index: row.int(0) ?? 0, heading: row.text(1) ?? "", content: row.text(2) ?? "", embedder: row.text(3),
                    vector: row.blob(4).flatMap(VectorBlob.decode))
    }
}
