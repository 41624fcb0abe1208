/// One chunk a search selected, before it is turned into a Wire ``SearchHit``.
public struct SearchHitCandidate: Sendable {
    public let documentID: String
    public let title: String
    public let chunkIndex: Int
    public let heading: String
    public let content: String
    public let score: Double
    public let metadataJSON: String
}
