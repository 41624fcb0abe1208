import AgentCore
import Foundation

// agent-bench: the conversation engine's numbers for docs/PERFORMANCE.md (not a test).
//   agent-bench router [--fixtures Tests/Fixtures/Router] [--verbose]
// Classifies every message of the labelled set (with its context turns) and prints per-intent precision,
// recall and F1, macro-F1, per-kind accuracy and the classification time.
let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let position = arguments.firstIndex(of: "--" + name), position + 1 < arguments.count else { return nil }
    return arguments[position + 1]
}

struct Fixture: Decodable {
    struct Turn: Decodable {
        let role: String
        let text: String
        let intents: [String]?
    }
    struct Message: Decodable {
        let id: String
        let text: String
        let language: String
        let intents: [String]
        let kind: String
        let context: [Turn]?
    }
    let messages: [Message]
}

guard arguments.first == "router" else {
    print("usage: agent-bench router [--fixtures DIR] [--verbose]")
    exit(2)
}
let directory = option("fixtures") ?? "Tests/Fixtures/Router"
let fixture: Fixture
do {
    fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/messages.json")))
} catch {
    print("agent-bench: cannot read \(directory)/messages.json: \(error)")
    exit(1)
}
let report = RouterEvaluation.evaluate(fixture.messages.map { message in
    RouterEvaluation.Case(id: message.id, text: message.text, kind: message.kind, expected: Set(message.intents.compactMap(Intent.init(rawValue:))),
                          context: (message.context ?? []).map {
                              RouterTurn(fromPatient: $0.role == "user", text: $0.text, intents: ($0.intents ?? []).compactMap(Intent.init(rawValue:)))
                          })
})
print(report.summary)
if arguments.contains("--verbose") { for line in report.mistakes { print("  " + line) } }
