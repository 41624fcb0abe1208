import Foundation
import Testing
@testable import AgentCore

struct SendJournalTests {
    func directory() -> String { NSTemporaryDirectory() + "journal-\(UUID().uuidString.prefix(8))" }

    @Test func aStepsVerdict_SurvivesARestart_AndOnlyItsOwnWriterCanSayNeverLeft() throws {
        let path = directory() + "/sends.journal"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let journal = try SendJournal(path: path)
        let sent = journal.newWriterToken(), unsent = journal.newWriterToken()
        #expect(journal.recordLeaving(eventID: "e1", step: "reply:0", writer: sent))
        #expect(journal.verdict(eventID: "e1", step: "reply:0", writer: sent) == .left)
        // Another attempt at the same step (another mark) that never left is told apart from the one that did.
        #expect(journal.verdict(eventID: "e1", step: "reply:0", writer: unsent) == .neverLeft)
        #expect(journal.verdict(eventID: "e1", step: "reply:1", writer: sent) == .neverLeft)
        // A restarted replica (same file): same identity, same entries.
        let restarted = try SendJournal(path: path)
        #expect(restarted.id == journal.id)
        #expect(restarted.verdict(eventID: "e1", step: "reply:0", writer: sent) == .left)
        #expect(restarted.verdict(eventID: "e1", step: "reply:0", writer: unsent) == .neverLeft)
        // Another replica's step, or none recorded: it cannot tell.
        #expect(restarted.verdict(eventID: "e2", step: "reply:0", writer: "other-journal/1/abcd1234") == .unknown)
        #expect(restarted.verdict(eventID: "e2", step: "reply:0", writer: nil) == .unknown)
        #expect(!restarted.recordLeaving(eventID: "e2", step: "reply:0", writer: "not a token"), "an unreadable mark stops the request")
    }

    @Test func generations_KeepTheCurrentAndThePrevious_AndSurviveACrashMidRotation() throws {
        let path = directory() + "/sends.journal"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let journal = try SendJournal(path: path, generationBytes: 200)
        let first = journal.newWriterToken()
        _ = journal.recordLeaving(eventID: "old", step: "reply:0", writer: first)
        var last = first
        for index in 0..<40 {
            last = journal.newWriterToken()
            _ = journal.recordLeaving(eventID: "event-\(index)", step: "reply:0", writer: last)
        }
        // Steps written generations ago: entries gone, so the journal no longer speaks for them.
        #expect(journal.verdict(eventID: "old", step: "reply:0", writer: first) == .unknown)
        #expect(journal.verdict(eventID: "event-39", step: "reply:0", writer: last) == .left)
        let reopened = try SendJournal(path: path, generationBytes: 200)
        #expect(reopened.verdict(eventID: "event-39", step: "reply:0", writer: last) == .left)
        // A crash between the rename and the new file: the generation goes on from the previous one.
        try FileManager.default.removeItem(atPath: path)
        let afterCrash = try SendJournal(path: path, generationBytes: 200)
        #expect(afterCrash.verdict(eventID: "old", step: "reply:0", writer: first) == .unknown, "an old token is not taken for a current one")
    }
}
