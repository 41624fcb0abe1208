import Foundation
import Wire

/// Scores the router on a labelled set: per-intent precision, recall and F1 (multi-label: each intent is a
/// yes/no decision per message), macro-F1 over the five intents, exact-match accuracy per kind of message,
/// and the time per classification.
public enum RouterEvaluation {
    public struct Case: Sendable {
        public var id: String
        public var text: String
        public var kind: String
        public var expected: Set<Intent>
        public var context: [RouterTurn]
        public init(id: String, text: String, kind: String, expected: Set<Intent>, context: [RouterTurn]) {
            self.id = id
            self.text = text
            self.kind = kind
            self.expected = expected
            self.context = context
        }
    }

    public struct Report: Sendable {
        public var precision: [Intent: Double] = [:]
        public var recall: [Intent: Double] = [:]
        public var f1: [Intent: Double] = [:]
        public var macroF1 = 0.0
        public var exactByKind: [String: (correct: Int, total: Int)] = [:]
        public var mistakes: [String] = []
        public var microsecondsP50 = 0.0
        public var microsecondsP99 = 0.0
        public var cases = 0

        public var summary: String {
            var lines = ["Router on \(cases) messages: macro-F1 \(String(format: "%.3f", macroF1))"]
            for intent in Intent.allCases {
                lines.append(String(format: "  %-12@ precision %.3f  recall %.3f  F1 %.3f", intent.rawValue, precision[intent] ?? 0, recall[intent] ?? 0,
                                    f1[intent] ?? 0))
            }
            for kind in exactByKind.keys.sorted() {
                let value = exactByKind[kind] ?? (0, 0)
                lines.append(String(format: "  exact match, %-20@ %.3f (%d of %d)", kind, Double(value.correct) / Double(max(1, value.total)), value.correct,
                                    value.total))
            }
            lines.append(String(format: "  classification: p50 %.1f µs, p99 %.1f µs", microsecondsP50, microsecondsP99))
            return lines.joined(separator: "\n")
        }
    }

    /// The labelled messages of a file like `Tests/Fixtures/Router/messages.json`.
    public static func cases(fromFile path: String) throws -> [Case] {
        struct Turn: Decodable {
            let role: String
            let text: String
            let intents: [String]?
        }
        struct Message: Decodable {
            let id: String
            let text: String
            let intents: [String]
            let kind: String
            let context: [Turn]?
        }
        struct File: Decodable { let messages: [Message] }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        return file.messages.map { message in
            Case(id: message.id, text: message.text, kind: message.kind, expected: Set(message.intents.compactMap(Intent.init(rawValue:))),
                 context: (message.context ?? []).map {
                     RouterTurn(fromPatient: $0.role == "user", text: $0.text, intents: ($0.intents ?? []).compactMap(Intent.init(rawValue:)))
                 })
        }
    }

    public static func evaluate(_ cases: [Case], router: IntentRouter = IntentRouter()) -> Report {
        var timed: [(Case, Set<Intent>, Double)] = []
        for item in cases {
            let start = ContinuousClock.now
            let found = Set(router.classify(item.text, context: item.context).map(\.intent))
            timed.append((item, found, microseconds(since: start)))
        }
        return score(timed)
    }

    /// The built-in router, with the exemplar classifier deciding the messages it has no basis for (as the
    /// conversation engine does); `company` names the embedder's tenant.
    public static func evaluate(_ cases: [Case], exemplars: ExemplarClassifier, company: CompanyID) async -> Report {
        var timed: [(Case, Set<Intent>, Double)] = []
        let router = IntentRouter()
        for item in cases {
            let start = ContinuousClock.now
            var (scores, basis) = router.classifyExplained(item.text, context: item.context)
            if basis == .none, let similar = await exemplars.classify(item.text, company: company) { scores = [similar] }
            timed.append((item, Set(scores.map(\.intent)), microseconds(since: start)))
        }
        return score(timed)
    }

    static func microseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
    }

    static func score(_ timed: [(Case, Set<Intent>, Double)]) -> Report {
        var report = Report()
        report.cases = timed.count
        var truePositives: [Intent: Int] = [:], falsePositives: [Intent: Int] = [:], falseNegatives: [Intent: Int] = [:]
        var times: [Double] = []
        for (item, found, time) in timed {
            times.append(time)
            for intent in Intent.allCases {
                switch (found.contains(intent), item.expected.contains(intent)) {
                case (true, true): truePositives[intent, default: 0] += 1
                case (true, false): falsePositives[intent, default: 0] += 1
                case (false, true): falseNegatives[intent, default: 0] += 1
                default: break
                }
            }
            let exact = found == item.expected
            report.exactByKind[item.kind, default: (0, 0)].total += 1
            if exact { report.exactByKind[item.kind, default: (0, 0)].correct += 1 } else {
                report.mistakes.append("\(item.id) [\(item.kind)] \(item.text) → \(found.map(\.rawValue).sorted()) want \(item.expected.map(\.rawValue).sorted())")
            }
        }
        for intent in Intent.allCases {
            let tp = Double(truePositives[intent] ?? 0), fp = Double(falsePositives[intent] ?? 0), fn = Double(falseNegatives[intent] ?? 0)
            let precision = tp + fp == 0 ? 1 : tp / (tp + fp), recall = tp + fn == 0 ? 1 : tp / (tp + fn)
            report.precision[intent] = precision
            report.recall[intent] = recall
            report.f1[intent] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
        report.macroF1 = Intent.allCases.map { report.f1[$0] ?? 0 }.reduce(0, +) / Double(Intent.allCases.count)
        let sorted = times.sorted()
        report.microsecondsP50 = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        report.microsecondsP99 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        return report
    }
}
