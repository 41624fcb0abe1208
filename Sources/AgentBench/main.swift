import AgentCore
import Foundation

// agent-bench: the conversation engine's numbers for docs/PERFORMANCE.md (not a test).
//   agent-bench router [--fixtures Tests/Fixtures/Router | --file Tests/Fixtures/Router/heldout.json] [--verbose]
// Classifies every message of the labelled set (with its context turns) and prints per-intent precision,
// recall and F1, macro-F1, per-kind accuracy and the classification time.
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
let report = RouterEvaluation.evaluate(cases)
print(report.summary)
if arguments.contains("--verbose") { for line in report.mistakes { print("  " + line) } }
