import Wire
import TenantStorage

/// Why a store operation failed.
public struct DocumentStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What changed in a tenant's data after some version: the documents written, re-embedded or deleted
/// since then, or `reset` when the tenant was purged (everything must be reloaded).
public struct StoreChanges: Sendable, Equatable {
    /// The tenant's version when the changes were read.
    public var version: UInt64
    public var documents: Set<String>
    public var reset: Bool
    public init(version: UInt64, documents: Set<String>, reset: Bool) {
        self.version = version
        self.documents = documents
        self.reset = reset
    }
}

/// What a store holds for one document, as an audit sees it.
public struct StoredDocumentAudit: Sendable, Equatable {
    public var contentHash: String
    /// The chunk count the document record declares.
    public var declaredChunks: Int
    /// The chunk entries actually present (among the declared positions).
    public var presentChunks: Int
    /// Present chunks whose vector is missing or malformed.
    public var chunksWithoutVector: Int
    public init(contentHash: String, declaredChunks: Int, presentChunks: Int, chunksWithoutVector: Int) {
        self.contentHash = contentHash
        self.declaredChunks = declaredChunks
        self.presentChunks = presentChunks
        self.chunksWithoutVector = chunksWithoutVector
    }
}

/// A whole tenant as an audit sees it: every document, and chunk entries that belong to no document.
public struct StoreAudit: Sendable, Equatable {
    public var documents: [String: StoredDocumentAudit]
    public var orphanChunks: Int
    public init(documents: [String: StoredDocumentAudit], orphanChunks: Int) {
        self.documents = documents
        self.orphanChunks = orphanChunks
    }
}

/// Durable storage of documents, chunks and vectors, every operation scoped to one tenant.
///
/// Implementations keep every row or key under the tenant's scope (a `company_id` column, the tenant's
/// Redis prefix and vector index) and never offer an operation across tenants, except ``tenants()``,
/// which lists the companies that have data so an index can be preloaded.
public protocol DocumentStore: Sendable {
    /// Writes documents and their chunks, replacing earlier versions with the same ids (their chunks
    /// included; a replaced document keeps its creation date). Each document is written atomically.
    /// Returns, per document, whether it replaced an earlier version.
    func put(_ documents: [StoredDocumentWithChunks], in scope: TenantScope) async throws(DocumentStoreError) -> [Bool]
    /// Stores the vectors of some chunks of a document (chunk index → vector), computed by `embedder` from
    /// the version of the document whose content hash is `contentHash`. Atomic: nothing is written, and
    /// false returned, when the document is gone or has been replaced by other content meanwhile.
    func putVectors(documentID: String, contentHash: String, embedder: String, vectors: [Int: [Float]],
                    in scope: TenantScope) async throws(DocumentStoreError) -> Bool
    /// Keeps an embedding job's record (for ``EmbeddingJobRecord/retention``; a purge erases it).
    func putJob(_ job: EmbeddingJobRecord, in scope: TenantScope) async throws(DocumentStoreError)
    /// One embedding job of the tenant, if it is still kept.
    func job(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> EmbeddingJobRecord?
    /// One document with its chunks.
    func document(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> StoredDocumentWithChunks?
    /// Deletes one document; returns its chunk count, or nil when the tenant has no such document.
    func delete(_ id: String, in scope: TenantScope) async throws(DocumentStoreError) -> Int?
    /// A page of documents, newest first, ties by id descending (content included: callers cut it).
    func list(in scope: TenantScope, offset: Int, limit: Int, category: String?) async throws(DocumentStoreError)
        -> (total: Int, documents: [StoredDocument])
    /// Every document with its chunks, to build the tenant's index (the documents' `content` is left
    /// empty: the chunks carry the text).
    func all(in scope: TenantScope) async throws(DocumentStoreError) -> [StoredDocumentWithChunks]
    /// Documents per category (`""` for none).
    func categories(in scope: TenantScope) async throws(DocumentStoreError) -> [String: Int]
    /// Erases every document, chunk and vector of the company; returns how many documents there were.
    /// The data version survives (it only grows), so no older snapshot can match new data.
    func purge(_ scope: TenantScope) async throws(DocumentStoreError) -> Int
    /// The tenant's data version: 0 before its first write, and larger after every change (writes, vector
    /// updates, deletes, purges), so an index or a snapshot built at one version can tell it is stale.
    func version(in scope: TenantScope) async throws(DocumentStoreError) -> UInt64
    /// The documents changed after `version` (each change records the version it produced), so an index
    /// built at `version` can catch up by reloading just those.
    func changes(in scope: TenantScope, after version: UInt64) async throws(DocumentStoreError) -> StoreChanges
    /// Reads what the tenant's data looks like (records, chunk entries, vectors), without the text.
    func audit(in scope: TenantScope) async throws(DocumentStoreError) -> StoreAudit
    /// Deletes chunk entries that belong to no document (or lie beyond their document's chunk count).
    func removeOrphanChunks(in scope: TenantScope) async throws(DocumentStoreError) -> Int
    /// The companies with at least one document.
    func tenants() async throws(DocumentStoreError) -> [CompanyID]
}
