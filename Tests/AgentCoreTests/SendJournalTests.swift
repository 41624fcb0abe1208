import Foundation
import Testing
@testable import AgentCore

struct SendJournalTests {
    func directory() -> String { NSTemporaryDirectory() + "journal-\(UUID().uuidString.prefix(8))" }

    @Test func aStepsVerdict_SurvivesARestart_AndOnlyItsOwnWriterCanSayNeverLeft() throws {
        let path = directory() + "/sends.journal"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let journal = try SendJournal(path: path)
        let token = journal.writerToken
        journal.recordLeaving(eventID: "e1", step: "reply:0")
        #expect(journal.verdict(eventID: "e1", step: "reply:0", writer: token) == .left)
        #expect(journal.verdict(eventID: "e1", step: "reply:1", writer: token) == .neverLeft)
        // A restarted replica (same file): same identity, same entries.
        let restarted = try SendJournal(path: path)
        #expect(restarted.id == journal.id)
        #expect(restarted.verdict(eventID: "e1", step: "reply:0", writer: token) == .left)
        #expect(restarted.verdict(eventID: "e1", step: "reply:1", writer: token) == .neverLeft)
        // Another replica's step, or none recorded: it cannot tell.
        #expect(restarted.verdict(eventID: "e2", step: "reply:0", writer: "other-journal/1") == .unknown)
        #expect(restarted.verdict(eventID: "e2", step: "reply:0", writer: nil) == .unknown)
    }

    @Test func generations_KeepTheCurrentAndThePrevious() throws {
        let path = directory() + "/sends.journal"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let journal = try SendJournal(path: path, generationBytes: 200)
        let first = journal.writerToken
        journal.recordLeaving(eventID: "old", step: "reply:0")
        for index in 0..<40 { journal.recordLeaving(eventID: "event-\(index)", step: "reply:0") }
        #expect(journal.writerToken != first)
        // Steps written generations ago: entries gone, so the journal no longer speaks for them.
        #expect(journal.verdict(eventID: "old", step: "reply:0", writer: first) == .unknown)
        #expect(journal.verdict(eventID: "event-39", step: "reply:0", writer: journal.writerToken) == .left)
        let reopened = try SendJournal(path: path, generationBytes: 200)
        #expect(reopened.writerToken == journal.writerToken && reopened.verdict(eventID: "event-39", step: "reply:0", writer: nil) == .left)
    }
}
