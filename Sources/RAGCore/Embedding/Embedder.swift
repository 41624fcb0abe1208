/// Turns text into unit-length vectors for the vector half of search.
///
/// Documents and queries are embedded by separate calls because real models want them marked differently
/// (e5's `passage:`/`query:` prefixes, an `input_type` field). Every vector an embedder returns has
/// ``dimensions`` components and an L2 norm of 1 (or is all zeros for a text with no features).
public protocol Embedder: Sendable {
    /// Names the embedder and its parameters; vectors from embedders with different identifiers are never mixed.
    var identifier: String { get }
    /// The length of every vector.
    var dimensions: Int { get }
    /// The vectors of document chunks, in order.
    func embed(documents: [String]) async throws(EmbeddingError) -> [[Float]]
    /// The vector of a search query.
    func embed(query: String) async throws(EmbeddingError) -> [Float]
}

/// Why an embedding failed.
public struct EmbeddingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether trying again later may succeed (rate limits, timeouts, server errors).
    public var isTransient: Bool
    public var message: String

    public init(_ message: String, isTransient: Bool = false) {
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }
}
