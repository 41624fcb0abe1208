import Foundation

/// A document as a store keeps it.
public struct StoredDocument: Sendable, Equatable {
    public var id: String
    public var title: String
    public var content: String
    public var metadataJSON: String
    /// The metadata `category`, kept apart so listings can filter on it.
    public var category: String?
    /// SHA-256 (hex) of the content.
    public var contentHash: String
    public var createdAt: Date
    public var updatedAt: Date
    public var chunkCount: Int

    public init(id: String, title: String, content: String, metadataJSON: String, category: String?, contentHash: String,
                createdAt: Date, updatedAt: Date, chunkCount: Int) {
        self.id = id
        self.title = title
        self.content = content
        self.metadataJSON = metadataJSON
        self.category = category
        self.contentHash = contentHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.chunkCount = chunkCount
    }
}

/// A chunk as a store keeps it, with its vector once embedded.
public struct StoredChunk: Sendable, Equatable {
    public var index: Int
    public var heading: String
    public var content: String
    /// The embedder the vector comes from (see ``Embedder/identifier``); nil with no vector.
    public var embedder: String?
    public var vector: [Float]?

    public init(index: Int, heading: String, content: String, embedder: String? = nil, vector: [Float]? = nil) {
        self.index = index
        self.heading = heading
        self.content = content
        self.embedder = embedder
        self.vector = vector
    }
}

/// A document with its chunks.
public struct StoredDocumentWithChunks: Sendable, Equatable {
    public var document: StoredDocument
    public var chunks: [StoredChunk]
    public init(document: StoredDocument, chunks: [StoredChunk]) {
        self.document = document
        self.chunks = chunks
    }
}
