/// The embedder that needs no network and no model file: feature hashing of the text's words.
///
/// Features of the folded text (``AnalyzedText``): each content word's stem and its ``BilingualLexicon``
/// concepts (weight 1), each pair of
/// consecutive content stems (0.5: phrases), and each character trigram of every content word with its
/// boundaries (`^de`, `dep`, …, `on$`; 0.25 each: spelling mistakes and shared roots still overlap). Each
/// feature is hashed to a dimension and a sign (the sign keeps collisions from adding up), counts are
/// dampened with a square root (a word repeated ten times is not ten times the topic), and the vector is
/// L2-normalised. A query's vector therefore has few non-zero components, which the index exploits.
public struct BuiltInEmbedder: Embedder {
    public let dimensions: Int
    public var identifier: String { "builtin-hash-v2-\(dimensions)" }

    public init(dimensions: Int = 512) {
        self.dimensions = max(64, dimensions)
    }

    public func embed(documents: [String]) async throws(EmbeddingError) -> [[Float]] { documents.map(vector) }
    public func embed(query: String) async throws(EmbeddingError) -> [Float] { vector(query) }

    /// The vector of `text`, computed on the calling thread.
    public func vector(_ text: String) -> [Float] { vector(of: AnalyzedText(text)) }

    /// The vector of an analysed text.
    func vector(of analyzed: AnalyzedText) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        let size = UInt64(dimensions)
        vector.withUnsafeMutableBufferPointer { output in
            @inline(__always) func add(_ hash: UInt64, _ weight: Float) {
                let mixed = TermHash.combine(hash, 0x5EED)
                output[Int(mixed % size)] += (mixed >> 63) == 0 ? weight : -weight
            }
            var previous: UInt64?
            for index in analyzed.words.indices where !analyzed.isStopWord[index] {
                let stem = analyzed.stems[index]
                add(stem, 1)
                for concept in BilingualLexicon.concepts[stem] ?? [] { add(concept, 1) }
                if let previous { add(TermHash.combine(previous, stem), 0.5) }
                previous = stem
                // Character trigrams of ^word$ (0x5E '^' and 0x24 '$' never occur in folded words).
                let range = analyzed.words[index]
                guard range.count >= 2 else { continue }
                analyzed.folded.withUnsafeBufferPointer { folded in
                    @inline(__always) func byte(_ position: Int) -> UInt8 {
                        position < 0 ? 0x5E : (position >= range.count ? 0x24 : folded[range.lowerBound + position])
                    }
                    for start in -1...(range.count - 2) {
                        var hash: UInt64 = 0x3C6E_F372_FE94_F82B
                        for position in start...(start + 2) {
                            hash ^= UInt64(byte(position))
                            hash &*= TermHash.prime
                        }
                        add(hash, 0.25)
                    }
                }
            }
            var norm: Float = 0
            for index in output.indices {
                let value = output[index]
                let dampened = value < 0 ? -(-value).squareRoot() : value.squareRoot()
                output[index] = dampened
                norm += dampened * dampened
            }
            guard norm > 0 else { return }
            let scale = 1 / norm.squareRoot()
            for index in output.indices { output[index] *= scale }
        }
        return vector
    }
}
