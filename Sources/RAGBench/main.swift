import Foundation
import HTTPClient
import RAGCore

// rag-bench: the RAG service's benchmark and retrieval-quality report (not a test: numbers for
// docs/PERFORMANCE.md, run beside the peers in ../shared/peers/rag).
//
//   rag-bench quality [--fixtures Tests/Fixtures/Retrieval] [--queries FILE] [--verbose]
//                     [--embeddings-url http://127.0.0.1:8089/v1 [--model multilingual-e5-small] [--input-convention input_type]]
//                     (with an embeddings URL: that model over the OpenAI embeddings API instead of the built-in embedder)
//   rag-bench speed --corpus /tmp/corpus-10k [--startup-db /tmp/rag-startup.sqlite3] [--ingest-only]
//   rag-bench startup --db /tmp/rag-startup.sqlite3     (time loading an existing database only)
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let position = arguments.firstIndex(of: "--" + name), position + 1 < arguments.count else { return nil }
    return arguments[position + 1]
}

do {
    switch arguments.first {
    case "quality":
        let fixture = try RetrievalFixture(directory: option("fixtures") ?? "Tests/Fixtures/Retrieval", queriesFile: option("queries"))
        if let url = option("embeddings-url") {
            let client = try HTTPClient(name: "rag-bench-embeddings")
            defer { client.shutdown() }
            let convention = option("input-convention").flatMap(OpenAICompatibleEmbedder.InputConvention.init(rawValue:)) ?? .inputType
            let embedder = OpenAICompatibleEmbedder(settings: .init(baseURL: url, model: option("model") ?? "multilingual-e5-small",
                                                                    convention: convention, timeout: .seconds(300)), client: client)
            try await QualityReport.run(fixture: fixture, embedder: embedder, verbose: arguments.contains("--verbose"))
        } else {
            try await QualityReport.run(fixture: fixture, embedder: BuiltInEmbedder(), verbose: arguments.contains("--verbose"))
        }
    case "speed":
        guard let corpus = option("corpus") else {
            print("usage: rag-bench speed --corpus DIR [--startup-db FILE]")
            exit(2)
        }
        try await SpeedBench.run(corpus: corpus, startupDatabase: option("startup-db"), ingestOnly: arguments.contains("--ingest-only"))
    case "startup":
        guard let database = option("db") else {
            print("usage: rag-bench startup --db FILE")
            exit(2)
        }
        try await SpeedBench.startup(chunks: [], path: database)
    default:
        print("usage: rag-bench quality [--fixtures DIR] [--queries FILE] [--verbose] | speed --corpus DIR [--startup-db FILE]")
        exit(2)
    }
} catch {
    print("rag-bench: \(error)")
    exit(1)
}
