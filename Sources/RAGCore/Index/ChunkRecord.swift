/// What the index keeps about one chunk to answer a search with it.
struct ChunkRecord: Sendable {
    let documentID: String
    let chunkIndex: Int
    let heading: String
    let content: String
}

/// What the index keeps about one document: the fields every chunk shares and the chunks' slots.
struct IndexedDocumentEntry: Sendable {
    let title: String
    /// The store's content hash, so an audit can compare index and store document by document.
    let contentHash: String
    let metadataJSON: String
    let fields: [String: [String]]
    var slots: [Int32]
}

/// A document ready to enter an index: its chunks with their vectors.
public struct IndexableDocument: Sendable {
    public let id: String
    public let title: String
    public let metadataJSON: String
    public let fields: [String: [String]]
    public let chunks: [DocumentChunk]
    /// One vector per chunk; nil when it is not embedded yet (keyword search finds it meanwhile).
    public let vectors: [[Float]?]
    /// Each chunk's keyword terms when already computed (see ``embedded(id:title:metadataJSON:fields:chunks:embedder:)``).
    let terms: [[UInt64]]?
    /// The store's hash of the document's content (empty when unknown).
    public var contentHash = ""

    public init(id: String, title: String, metadataJSON: String, fields: [String: [String]], chunks: [DocumentChunk],
                vectors: [[Float]?]) {
        self.init(id: id, title: title, metadataJSON: metadataJSON, fields: fields, chunks: chunks, vectors: vectors, terms: nil)
    }

    init(id: String, title: String, metadataJSON: String, fields: [String: [String]], chunks: [DocumentChunk],
         vectors: [[Float]?], terms: [[UInt64]]?) {
        self.id = id
        self.title = title
        self.metadataJSON = metadataJSON
        self.fields = fields
        self.chunks = chunks
        self.vectors = vectors
        self.terms = terms
    }

    /// A document whose chunks are embedded with the built-in embedder, each chunk's text analysed once
    /// for both its vector and its keyword terms (runs on the calling thread). Without an embedder, only
    /// the keyword terms are computed and the vectors are left for later.
    public static func embedded(id: String, title: String, metadataJSON: String = "{}", fields: [String: [String]] = [:],
                                chunks: [DocumentChunk], embedder: BuiltInEmbedder?, contentHash: String = "") -> IndexableDocument {
        var vectors: [[Float]?] = []
        var terms: [[UInt64]] = []
        vectors.reserveCapacity(chunks.count)
        terms.reserveCapacity(chunks.count)
        for chunk in chunks {
            let analyzed = AnalyzedText(indexedText(title: title, chunk: chunk))
            vectors.append(embedder?.vector(of: analyzed))
            terms.append(analyzed.contentStems)
        }
        var document = IndexableDocument(id: id, title: title, metadataJSON: metadataJSON, fields: fields, chunks: chunks,
                                         vectors: vectors, terms: terms)
        document.contentHash = contentHash
        return document
    }

    /// The same document with no vectors (keyword terms kept).
    public var withoutVectors: IndexableDocument {
        var copy = IndexableDocument(id: id, title: title, metadataJSON: metadataJSON, fields: fields, chunks: chunks,
                                     vectors: chunks.map { _ in nil }, terms: terms)
        copy.contentHash = contentHash
        return copy
    }

    /// The same document with some chunks' vectors set (chunk index → vector).
    public func settingVectors(_ found: [Int: [Float]]) -> IndexableDocument {
        var copy = IndexableDocument(id: id, title: title, metadataJSON: metadataJSON, fields: fields, chunks: chunks,
                                     vectors: zip(chunks, vectors).map { chunk, vector in found[chunk.index] ?? vector }, terms: terms)
        copy.contentHash = contentHash
        return copy
    }

    /// The text a chunk is indexed and embedded with: the document title and heading path give a chunk the
    /// context its own sentences may leave implicit.
    public static func indexedText(title: String, chunk: DocumentChunk) -> String {
        [title, chunk.heading, chunk.content].filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// What an index holds for one document, as an audit compares it with the store.
public struct IndexedDocumentAudit: Sendable, Equatable {
    public var contentHash: String
    public var chunks: Int
    /// Chunks without a usable vector (never embedded, or a damaged vector in the store).
    public var unembedded: Int
}
