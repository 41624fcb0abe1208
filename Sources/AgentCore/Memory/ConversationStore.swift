import Foundation
import TenantStorage
import Wire

/// Why a memory operation failed.
public struct ConversationStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How long and how much a company's memory keeps (`memory` in its configuration: 10 messages, 7 days by default).
public struct MemoryPolicy: Sendable, Equatable {
    public var window: Int
    public var ttlSeconds: Int
    public init(window: Int = 10, ttlSeconds: Int = 7 * 24 * 3600) {
        self.window = max(1, window)
        self.ttlSeconds = max(1, ttlSeconds)
    }
}

/// Each tenant's conversations, per `user_id`: ordered messages (the last `window`), the bot status and the
/// data collected for a booking, all expiring `ttl` after the conversation's last activity. Every operation
/// is scoped to one tenant; appending and trimming are one atomic step, so concurrent messages of one
/// conversation never lose each other or leave more than `window`.
public protocol ConversationStore: Sendable {
    /// Appends messages (in order), keeps the last `window`, refreshes the expiry; returns the window after it.
    func append(_ messages: [ConversationMessage], userID: String, policy: MemoryPolicy, at now: Date,
                in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationMessage]
    /// The kept messages, oldest first (empty when there is none or it expired).
    func history(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationMessage]
    /// Conversations by last activity, newest first (ties by user id, descending), with the total.
    func list(offset: Int, limit: Int, policy: MemoryPolicy, at now: Date,
              in scope: TenantScope) async throws(ConversationStoreError) -> (total: Int, conversations: [ConversationSummary])
    /// Deletes a conversation (messages, status, collected data); false when there was none.
    func delete(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> Bool
    func botStatus(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> BotStatus
    func setBotStatus(_ status: BotStatus, userID: String, policy: MemoryPolicy, at now: Date,
                      in scope: TenantScope) async throws(ConversationStoreError)
    /// Booking data collected across turns (field → value).
    func collectedData(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> [String: String]
    func setCollectedData(_ data: [String: String], userID: String, policy: MemoryPolicy, at now: Date,
                          in scope: TenantScope) async throws(ConversationStoreError)
    /// Adds an answered message to the company's turn log (the statistics' source), dropping turns older
    /// than `retentionSeconds`.
    func recordTurn(_ turn: ConversationTurn, retentionSeconds: Int, at now: Date, in scope: TenantScope) async throws(ConversationStoreError)
    /// The turns logged in `from..<to`, oldest first, at most `limit` (the newest ones when there are more).
    func turns(from: Date, to: Date, limit: Int, in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationTurn]
    /// Erases every conversation and logged turn of the company; returns how many conversations there were.
    func purge(_ scope: TenantScope) async throws(ConversationStoreError) -> Int
}

extension ConversationTurn {
    static func encode(_ turn: ConversationTurn) -> String {
        String(decoding: (try? JSONEncoder().encode(turn)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> ConversationTurn? {
        try? JSONDecoder().decode(ConversationTurn.self, from: Data(text.utf8))
    }
}

extension ConversationMessage {
    static func encode(_ message: ConversationMessage) -> String {
        String(decoding: (try? JSONEncoder().encode(message)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> ConversationMessage? {
        try? JSONDecoder().decode(ConversationMessage.self, from: Data(text.utf8))
    }
}
