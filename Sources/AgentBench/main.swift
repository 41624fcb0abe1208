import AgentCore
import Foundation
import HTTPClient
import RAGCore
import Wire

// agent-bench: the conversation engine's numbers for docs/PERFORMANCE.md (not a test).
//   agent-bench router [--fixtures Tests/Fixtures/Router | --file Tests/Fixtures/Router/heldout.json] [--verbose]
//                      [--exemplars builtin | --exemplars http://127.0.0.1:8089/v1 --model multilingual-e5-small] [--similarity S --margin M]
// Classifies every message of the labelled set (with its context turns) and prints per-intent precision,
// recall and F1, macro-F1, per-kind accuracy and the classification time. With --exemplars, the messages the
// lexicons have no basis for are decided by exemplar similarity, with the built-in embedder or an
// OpenAI-compatible embeddings server, as the agent service does with a company's embedder.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let position = arguments.firstIndex(of: "--" + name), position + 1 < arguments.count else { return nil }
    return arguments[position + 1]
}

guard arguments.first == "router" else {
    print("usage: agent-bench router [--fixtures DIR | --file FILE] [--verbose]")
    exit(2)
}
let path = option("file") ?? ((option("fixtures") ?? "Tests/Fixtures/Router") + "/messages.json")
let cases: [RouterEvaluation.Case]
do {
    cases = try RouterEvaluation.cases(fromFile: path)
} catch {
    print("agent-bench: cannot read \(path): \(error)")
    exit(1)
}
/// An embedder of this process standing in for the RAG service's `rag/embedTexts`.
struct LocalEmbedding: TextEmbedding {
    let embedder: any Embedder
    func embed(_ texts: [String], company: CompanyID) async -> (embedder: String, vectors: [[Float]])? {
        var vectors: [[Float]] = []
        for text in texts {
            guard let vector = try? await embedder.embed(query: text) else { return nil }
            vectors.append(vector)
        }
        return (embedder.identifier, vectors)
    }
}

let report: RouterEvaluation.Report
if let source = option("exemplars") {
    let embedder: any Embedder
    if source == "builtin" {
        embedder = BuiltInEmbedder()
    } else {
        guard let client = try? HTTPClient() else { print("agent-bench: cannot start an HTTP client"); exit(1) }
        let model = option("model") ?? "multilingual-e5-small"
        embedder = OpenAICompatibleEmbedder(settings: .init(baseURL: source, model: model, convention: model.contains("e5") ? .e5Prefixes : .none),
                                            client: client)
    }
    let defaults = ExemplarClassifier.thresholds(for: embedder.identifier)
    let thresholds = ExemplarClassifier.Thresholds(similarity: option("similarity").flatMap(Double.init) ?? defaults.similarity,
                                                   margin: option("margin").flatMap(Double.init) ?? defaults.margin)
    let exemplars = ExemplarClassifier(embedding: LocalEmbedding(embedder: embedder), thresholds: thresholds)
    guard let company = CompanyID("bench") else { exit(1) }
    report = await RouterEvaluation.evaluate(cases, exemplars: exemplars, company: company)
    print("(exemplars: \(embedder.identifier), similarity ≥ \(thresholds.similarity), margin ≥ \(thresholds.margin))")
} else {
    report = RouterEvaluation.evaluate(cases)
}
print(report.summary)
if arguments.contains("--verbose") { for line in report.mistakes { print("  " + line) } }
