import Wire

/// Which embedder each company's documents and queries are embedded with.
///
/// The knowledge base asks on every load, write and periodic embedding round, so a change of a company's
/// `providers.embeddings` takes effect without a restart: a different ``Embedder/identifier`` than the
/// one its index was built with starts a re-index in the background.
public protocol EmbedderResolver: Sendable {
    /// The embedder the company's configuration names now.
    func embedder(for company: CompanyID) async -> any Embedder
}

/// The same embedder for every company (benchmarks, tests, a deployment with one model).
public struct FixedEmbedderResolver: EmbedderResolver {
    public let embedder: any Embedder
    public init(_ embedder: any Embedder = BuiltInEmbedder()) { self.embedder = embedder }
    public func embedder(for company: CompanyID) async -> any Embedder { embedder }
}
