import Synchronization
import Wire

/// Embeds texts with a company's embedder (the RAG service's, in production).
public protocol TextEmbedding: Sendable {
    /// L2-normalised vectors of `texts` (as queries) and the embedder's identifier, or nil when it cannot answer.
    func embed(_ texts: [String], company: CompanyID) async -> (embedder: String, vectors: [[Float]])?
}

/// Exemplar similarity with the tenant's embedder: the intent of the ``ExemplarMessages`` a message is most
/// like. The engine asks it only when the lexicons found no cue of their own in a message (a rephrasing the
/// lexicons do not know), never for emergencies (decided before, by the detector).
///
/// Each intent scores the mean cosine of its two nearest exemplars; the best intent is reported when that
/// score reaches a minimum similarity and beats the runner-up by a margin, both depending on the embedder
/// (``thresholds(for:)``: cosines of e5 models sit much higher than those of the built-in hashing embedder).
/// The exemplars' vectors are computed once per company and embedder (a changed embedder recomputes them)
/// and kept per company id.
public final class ExemplarClassifier: Sendable {
    public struct Thresholds: Sendable, Equatable {
        public var similarity: Double
        public var margin: Double
        public init(similarity: Double, margin: Double) {
            self.similarity = similarity
            self.margin = margin
        }
    }

    let embedding: any TextEmbedding
    let fixedThresholds: Thresholds?
    private let cache = Mutex<[CompanyID: (embedder: String, vectors: [[Float]])]>([:])

    /// `thresholds` overrides ``thresholds(for:)`` (for calibration runs).
    public init(embedding: any TextEmbedding, thresholds: Thresholds? = nil) {
        self.embedding = embedding
        self.fixedThresholds = thresholds
    }

    /// The thresholds for an embedder, calibrated on the router's labelled set (`agent-bench router
    /// --exemplars`, docs/PERFORMANCE.md): the built-in embedder 0.2 / 0.03, e5 models 0.8 / 0.02; other
    /// models (not calibrated) 0.5 / 0.05.
    public static func thresholds(for embedder: String) -> Thresholds {
        if embedder.hasPrefix("builtin") { return Thresholds(similarity: 0.2, margin: 0.03) }
        if embedder.lowercased().contains("e5") { return Thresholds(similarity: 0.8, margin: 0.02) }
        return Thresholds(similarity: 0.5, margin: 0.05)
    }

    /// The intent `message` is most like, with its score, or nil when none stands out or the embedder fails.
    public func classify(_ message: String, company: CompanyID) async -> IntentScore? {
        guard let query = await embedding.embed([message], company: company), let vector = query.vectors.first else { return nil }
        var exemplars = cache.withLock { $0[company] }
        if exemplars?.embedder != query.embedder {
            guard let made = await embedding.embed(ExemplarMessages.all.map(\.1), company: company), made.embedder == query.embedder,
                  made.vectors.count == ExemplarMessages.all.count else { return nil }
            exemplars = made
            cache.withLock { $0[company] = made }
        }
        guard let exemplars else { return nil }
        var nearest: [Intent: [Double]] = [:]
        for (index, (intent, _)) in ExemplarMessages.all.enumerated() {
            let other = exemplars.vectors[index]
            guard other.count == vector.count else { return nil }
            var dot: Float = 0
            for position in 0..<other.count { dot += other[position] * vector[position] }
            nearest[intent, default: []].append(Double(dot))
        }
        let ranked = nearest.map { intent, similarities -> (Intent, Double) in
            let top = similarities.sorted(by: >).prefix(2)
            return (intent, top.reduce(0, +) / Double(max(1, top.count)))
        }.sorted { $0.1 > $1.1 }
        let limits = fixedThresholds ?? Self.thresholds(for: query.embedder)
        guard let best = ranked.first, best.1 >= limits.similarity, best.1 - (ranked.dropFirst().first?.1 ?? 0) >= limits.margin else { return nil }
        return IntentScore(intent: best.0, confidence: (min(1, max(0, best.1)) * 100).rounded() / 100)
    }
}
