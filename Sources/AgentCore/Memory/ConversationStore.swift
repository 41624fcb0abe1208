import Foundation
import HTTPServerCore
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
    /// What a turn needs of its conversation: the kept messages, the bot status and the collected booking
    /// data (one read where the store can).
    func conversation(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> ConversationState
    /// Appends an answered message's messages and logs its turn (one write where the store can).
    func appendTurn(_ messages: [ConversationMessage], turn: ConversationTurn, userID: String, policy: MemoryPolicy, retentionSeconds: Int, at now: Date,
                    in scope: TenantScope) async throws(ConversationStoreError)
    /// Erases every conversation and logged turn of the company; returns how many conversations there were.
    func purge(_ scope: TenantScope) async throws(ConversationStoreError) -> Int
    /// How many logged turns name the patient, or (`erase`) erases them and returns how many there were.
    func turns(ofUser userID: String, erase: Bool, in scope: TenantScope) async throws(ConversationStoreError) -> Int
    /// The privacy retention: deletes the conversations (messages, status, collected data) last active
    /// before `cutoff` and the turns logged before it; returns how many conversations and turns went.
    func removeInactive(before cutoff: Date, in scope: TenantScope) async throws(ConversationStoreError) -> (conversations: Int, turns: Int)
}

/// A conversation as a turn reads it.
public struct ConversationState: Sendable, Equatable {
    /// The kept messages, oldest first.
    public var history: [ConversationMessage]
    public var bot: BotStatus
    /// Booking data collected across turns (field → value).
    public var collected: [String: String]

    public init(history: [ConversationMessage] = [], bot: BotStatus = BotStatus(), collected: [String: String] = [:]) {
        self.history = history
        self.bot = bot
        self.collected = collected
    }

    /// Collected data as the stores keep it (a JSON object of strings); empty when absent or not of that shape.
    static func collected(fromJSON text: String?) -> [String: String] {
        guard let text, case .object(let members)? = try? JSONParser.parse(Array(text.utf8)) else { return [:] }
        var data: [String: String] = [:]
        for (field, value) in members {
            guard case .string(let string) = value else { return [:] }
            data[field] = string
        }
        return data
    }
}

extension ConversationStore {
    public func conversation(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> ConversationState {
        ConversationState(history: try await history(userID: userID, at: now, in: scope), bot: try await botStatus(userID: userID, at: now, in: scope),
                          collected: try await collectedData(userID: userID, at: now, in: scope))
    }

    public func appendTurn(_ messages: [ConversationMessage], turn: ConversationTurn, userID: String, policy: MemoryPolicy, retentionSeconds: Int,
                           at now: Date, in scope: TenantScope) async throws(ConversationStoreError) {
        _ = try await append(messages, userID: userID, policy: policy, at: now, in: scope)
        try await recordTurn(turn, retentionSeconds: retentionSeconds, at: now, in: scope)
    }
}

extension ConversationTurn {
    /// The stored JSON of a turn, in the shape Foundation's `JSONEncoder` gives it (property names as keys,
    /// dates as seconds since 2001-01-01), so that older entries and the SQLite index on `$.userID` keep
    /// reading it; written with ``JSONValue`` (every answered message writes one).
    static func encode(_ turn: ConversationTurn) -> String {
        var members: [String: JSONValue] = [
            "id": .string(turn.id), "userID": .string(turn.userID), "timestamp": .number(turn.timestamp.timeIntervalSinceReferenceDate),
            "agent": .string(turn.agent), "intents": .array(turn.intents.map { .string($0) }), "provider": .string(turn.provider),
            "classificationMilliseconds": .number(turn.classificationMilliseconds), "retrievalMilliseconds": .number(turn.retrievalMilliseconds),
            "totalMilliseconds": .number(turn.totalMilliseconds), "answered": .bool(turn.answered), "booked": .bool(turn.booked),
        ]
        if let escalation = turn.escalation {
            members["escalation"] = .object([
                "id": .string(escalation.id), "userID": .string(escalation.userID), "reason": .string(escalation.reason),
                "priority": .string(escalation.priority), "message": .string(escalation.message),
                "createdAt": .number(escalation.createdAt.timeIntervalSinceReferenceDate),
            ])
        }
        return String(decoding: JSONValue.object(members).serialized(), as: UTF8.self)
    }

    static func decode(_ text: String) -> ConversationTurn? {
        try? JSONDecoder().decode(ConversationTurn.self, from: Data(text.utf8))
    }
}

extension ConversationMessage {
    /// The stored JSON of a message: `{"role","text","agent"?,"intents","timestamp"}`, the timestamp in seconds
    /// since 2001-01-01 as Foundation's `JSONEncoder` writes a `Date` (the format earlier versions stored),
    /// written and read with the strict ``JSONParser`` instead of `JSONEncoder` (a turn reads and writes
    /// about a dozen of them).
    static func encode(_ message: ConversationMessage) -> String {
        var members: [String: JSONValue] = [
            "role": .string(message.role.rawValue), "text": .string(message.text), "intents": .array(message.intents.map { .string($0) }),
            "timestamp": .number(message.timestamp.timeIntervalSinceReferenceDate),
        ]
        if let agent = message.agent { members["agent"] = .string(agent) }
        return String(decoding: JSONValue.object(members).serialized(), as: UTF8.self)
    }

    static func decode(_ text: String) -> ConversationMessage? {
        guard case .object(let members)? = try? JSONParser.parse(Array(text.utf8)), case .string(let role)? = members["role"],
              case .string(let body)? = members["text"], case .number(let seconds)? = members["timestamp"] else { return nil }
        var agent: String?
        if case .string(let name)? = members["agent"] { agent = name }
        var intents: [String] = []
        if case .array(let list)? = members["intents"] {
            intents = list.compactMap { if case .string(let intent) = $0 { return intent } else { return nil } }
        }
        return ConversationMessage(role: ConversationRole(rawValue: role) ?? .unknown, text: body, agent: agent, intents: intents,
                                   timestamp: Date(timeIntervalSinceReferenceDate: seconds))
    }
}
