import Foundation
import Testing
@testable import AgentCore

/// The router on the labelled set of `Tests/Fixtures/Router/messages.json` (written independently of the
/// router): the acceptance targets of the conversations issue.
struct RouterEvaluationTests {
    func report(_ file: String) throws -> RouterEvaluation.Report {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/Router/" + file)
        return RouterEvaluation.evaluate(try RouterEvaluation.cases(fromFile: url.path))
    }

    @Test func theLabelledSet_MeetsTheTargets() throws {
        let report = try report("messages.json")
        #expect(report.cases >= 400)
        #expect(report.macroF1 >= 0.93, "\(report.summary)")
        #expect(report.recall[.emergency] == 1, "\(report.mistakes.filter { $0.contains("emergency") })")
        #expect((report.precision[.emergency] ?? 0) >= 0.95)
    }

    /// No emergency of the held-out set is missed or invented (its other intents are reported, not held).
    @Test func theHeldOutSet_MissesNoEmergency() throws {
        let report = try report("heldout.json")
        #expect(report.cases >= 150)
        #expect(report.recall[.emergency] == 1, "\(report.mistakes.filter { $0.contains("emergency") })")
        #expect((report.precision[.emergency] ?? 0) >= 0.95)
    }
}
