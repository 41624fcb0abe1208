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

    public init(id: String, title: String, metadataJSON: String, fields: [String: [String]], chunks: [DocumentChunk],
                vectors: [[Float]?]) {
        self.id = id
        self.title = title
        self.metadataJSON = metadataJSON
        self.fields = fields
        self.chunks = chunks
        self.vectors = vectors
    }

    /// The text a chunk is indexed and embedded with: the document title and heading path give a chunk the
    /// context its own sentences may leave implicit.
    public static func indexedText(title: String, chunk: DocumentChunk) -> String {
        [title, chunk.heading, chunk.content].filter { !$0.isEmpty }.joined(separator: "\n")
    }
}
