/// How chunks are embedded by a language model (the built-in embedder analyses the contextual text itself).
public enum ChunkEmbedding {
    /// The texts a language model embeds for a chunk; the chunk's vector is their normalised mean. The
    /// chunk in its document's context (title and heading path) alone lets the title dominate, so chunks
    /// of sibling documents ("aftercare after fillers", "aftercare after botox") look alike; the chunk's
    /// own words alone lose what its heading says. The mean keeps both (on the labelled retrieval set with
    /// multilingual-e5-small: hybrid hit@1 0.855 with the contextual text alone, see docs/PERFORMANCE.md).
    public static func views(title: String, chunk: DocumentChunk) -> [String] {
        let contextual = IndexableDocument.indexedText(title: title, chunk: chunk)
        return contextual == chunk.content || chunk.content.isEmpty ? [contextual] : [contextual, chunk.content]
    }

    /// One vector per chunk: the normalised mean of the model's vectors of its ``views(title:chunk:)``,
    /// all sent in one `embed(documents:)` call (the embedder batches it).
    public static func vectors(of chunks: [(title: String, chunk: DocumentChunk)], with embedder: any Embedder) async throws(EmbeddingError)
        -> [[Float]] {
        let views = chunks.map { Self.views(title: $0.title, chunk: $0.chunk) }
        let texts = views.flatMap { $0 }
        let vectors = try await embedder.embed(documents: texts)
        guard vectors.count == texts.count else { throw EmbeddingError("the embedder returned \(vectors.count) vectors for \(texts.count) texts") }
        var position = 0
        return views.map { chunkViews in
            var sum = vectors[position]
            for offset in 1..<max(1, chunkViews.count) where vectors[position + offset].count == sum.count {
                for component in sum.indices { sum[component] += vectors[position + offset][component] }
            }
            position += chunkViews.count
            let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? sum.map { $0 / norm } : sum
        }
    }
}
