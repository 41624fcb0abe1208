import Foundation

/// What a store keeps of an embedding job: its documents and when it started. Its progress is not
/// stored: it is read from the index (which chunks have vectors), so it is right after a restart too.
public struct EmbeddingJobRecord: Codable, Sendable, Equatable {
    public var id: String
    public var documentIDs: [String]
    public var embedder: String
    public var createdAt: Date

    /// How long a store keeps a job's record.
    public static let retention: TimeInterval = 7 * 24 * 3600

    public init(id: String, documentIDs: [String], embedder: String, createdAt: Date) {
        self.id = id
        self.documentIDs = documentIDs
        self.embedder = embedder
        self.createdAt = createdAt
    }
}
