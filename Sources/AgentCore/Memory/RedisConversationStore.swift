import Foundation
import RedisClient
import TenantStorage
import Wire

/// The shared memory: Redis keys under each company's `redis_prefix`, as the original had them.
///
/// - `<prefix>conversation:<user_id>`: list of the kept messages (JSON), oldest first;
/// - `<prefix>conversation_state:<user_id>`: hash of the bot status and the collected booking data;
/// - `<prefix>conversations`: sorted set of user ids by last activity (listing);
/// - `<prefix>conversation_turns`: sorted set of answered messages (JSON) by time, for the statistics.
///
/// An append is one Lua script (push, trim to the window, refresh both expiries, record the activity), so
/// concurrent messages of one conversation keep the window exact. Keys expire `ttl` after the last activity;
/// listing first drops the ids whose activity is older than that.
public final class RedisConversationStore: ConversationStore {
    private let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    static let appendScript = RedisScript("""
        local p, user, window, ttl, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
        local key, state = p .. 'conversation:' .. user, p .. 'conversation_state:' .. user
        for i = 6, #ARGV do redis.call('RPUSH', key, ARGV[i]) end
        redis.call('LTRIM', key, -window, -1)
        redis.call('EXPIRE', key, ttl)
        if redis.call('EXISTS', state) == 1 then redis.call('EXPIRE', state, ttl) end
        redis.call('ZADD', p .. 'conversations', now, user)
        return redis.call('LRANGE', key, 0, -1)
        """)

    static let stateScript = RedisScript("""
        local p, user, ttl, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
        local key, state = p .. 'conversation:' .. user, p .. 'conversation_state:' .. user
        for i = 5, #ARGV, 2 do redis.call('HSET', state, ARGV[i], ARGV[i + 1]) end
        redis.call('EXPIRE', state, ttl)
        if redis.call('EXISTS', key) == 1 then redis.call('EXPIRE', key, ttl) end
        redis.call('ZADD', p .. 'conversations', now, user)
        return 1
        """)

    private func failure(_ error: RedisError) -> ConversationStoreError { ConversationStoreError("memory (Redis): \(error)") }
    static func stamp(_ date: Date) -> RedisArgument { RedisArgument(String(format: "%.3f", date.timeIntervalSince1970)) }

    public func append(_ messages: [ConversationMessage], userID: String, policy: MemoryPolicy, at now: Date,
                       in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationMessage] {
        let arguments = [RedisArgument(scope.redisPrefix), RedisArgument(userID), RedisArgument(policy.window), RedisArgument(policy.ttlSeconds),
                         Self.stamp(now)] + messages.map { RedisArgument(ConversationMessage.encode($0)) }
        do throws(RedisError) {
            let reply = try await redis.evaluate(Self.appendScript, keys: [], arguments: arguments)
            return (reply.array ?? []).compactMap { $0.string.flatMap(ConversationMessage.decode) }
        } catch {
            throw failure(error)
        }
    }

    public func history(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationMessage] {
        do throws(RedisError) {
            let reply = try await redis.command(["LRANGE", RedisArgument(scope.redisKey("conversation", userID)), "0", "-1"])
            return (reply.array ?? []).compactMap { $0.string.flatMap(ConversationMessage.decode) }
        } catch {
            throw failure(error)
        }
    }

    public func list(offset: Int, limit: Int, policy: MemoryPolicy, at now: Date,
                     in scope: TenantScope) async throws(ConversationStoreError) -> (total: Int, conversations: [ConversationSummary]) {
        let index = RedisArgument(scope.redisKey("conversations"))
        do throws(RedisError) {
            let expired = now.addingTimeInterval(-Double(policy.ttlSeconds))
            _ = try await redis.command(["ZREMRANGEBYSCORE", index, "-inf", RedisArgument("(" + String(format: "%.3f", expired.timeIntervalSince1970))])
            let total = Int(try await redis.command(["ZCARD", index]).integer ?? 0)
            let items = (try await redis.command(["ZREVRANGE", index, RedisArgument(max(0, offset)), RedisArgument(max(0, offset) + max(1, limit) - 1),
                                                  "WITHSCORES"]).array ?? []).compactMap(\.string)
            var pairs: [(String, Double)] = []
            for position in stride(from: 0, to: items.count - 1, by: 2) { pairs.append((items[position], Double(items[position + 1]) ?? 0)) }
            let replies = try await redis.pipeline(pairs.flatMap { user, _ in
                [["LLEN", RedisArgument(scope.redisKey("conversation", user))],
                 ["HGET", RedisArgument(scope.redisKey("conversation_state", user)), "bot_active"]]
            })
            return (total, pairs.enumerated().map { position, pair in
                ConversationSummary(userID: pair.0, lastActivity: Date(timeIntervalSince1970: pair.1),
                                    messageCount: Int(replies[position * 2].integer ?? 0), botActive: replies[position * 2 + 1].string != "0")
            })
        } catch {
            throw failure(error)
        }
    }

    public func delete(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> Bool {
        do throws(RedisError) {
            let removed = try await redis.command(["DEL", RedisArgument(scope.redisKey("conversation", userID)),
                                                   RedisArgument(scope.redisKey("conversation_state", userID))]).integer ?? 0
            _ = try await redis.command(["ZREM", RedisArgument(scope.redisKey("conversations")), RedisArgument(userID)])
            return removed > 0
        } catch {
            throw failure(error)
        }
    }

    public func botStatus(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> BotStatus {
        do throws(RedisError) {
            let values = (try await redis.command(["HMGET", RedisArgument(scope.redisKey("conversation_state", userID)), "bot_active", "bot_reason",
                                                   "bot_changed_at"]).array ?? []).map(\.string)
            return Self.botStatus(values)
        } catch {
            throw failure(error)
        }
    }

    /// The status from the state hash's `bot_active`, `bot_reason` and `bot_changed_at` (the first three of `values`).
    static func botStatus(_ values: [String?]) -> BotStatus {
        guard values.count >= 3, let active = values[0] else { return BotStatus() }
        return BotStatus(active: active != "0", reason: values[1].flatMap { $0.isEmpty ? nil : $0 },
                         changedAt: values[2].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)))
    }

    /// The messages (one LRANGE) and the state hash's status and collected data (one HMGET).
    public func conversation(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> ConversationState {
        let history = try await history(userID: userID, at: now, in: scope)
        do throws(RedisError) {
            let values = (try await redis.command(["HMGET", RedisArgument(scope.redisKey("conversation_state", userID)), "bot_active", "bot_reason",
                                                   "bot_changed_at", "collected"]).array ?? []).map(\.string)
            return ConversationState(history: history, bot: Self.botStatus(values),
                                     collected: ConversationState.collected(fromJSON: values.count == 4 ? values[3] : nil))
        } catch {
            throw failure(error)
        }
    }

    public func setBotStatus(_ status: BotStatus, userID: String, policy: MemoryPolicy, at now: Date,
                             in scope: TenantScope) async throws(ConversationStoreError) {
        try await setState(["bot_active": status.active ? "1" : "0", "bot_reason": status.reason ?? "",
                            "bot_changed_at": String(format: "%.3f", (status.changedAt ?? now).timeIntervalSince1970)],
                           userID: userID, policy: policy, now: now, scope: scope)
    }

    public func collectedData(userID: String, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) -> [String: String] {
        do throws(RedisError) {
            guard let text = try await redis.command(["HGET", RedisArgument(scope.redisKey("conversation_state", userID)), "collected"]).string else {
                return [:]
            }
            return ConversationState.collected(fromJSON: text)
        } catch {
            throw failure(error)
        }
    }

    public func setCollectedData(_ data: [String: String], userID: String, policy: MemoryPolicy, at now: Date,
                                 in scope: TenantScope) async throws(ConversationStoreError) {
        let text = String(decoding: (try? JSONEncoder().encode(data)) ?? Data("{}".utf8), as: UTF8.self)
        try await setState(["collected": text], userID: userID, policy: policy, now: now, scope: scope)
    }

    private func setState(_ fields: [String: String], userID: String, policy: MemoryPolicy, now: Date,
                          scope: TenantScope) async throws(ConversationStoreError) {
        var arguments = [RedisArgument(scope.redisPrefix), RedisArgument(userID), RedisArgument(policy.ttlSeconds), Self.stamp(now)]
        for (field, value) in fields.sorted(by: { $0.key < $1.key }) { arguments += [RedisArgument(field), RedisArgument(value)] }
        do throws(RedisError) {
            _ = try await redis.evaluate(Self.stateScript, keys: [], arguments: arguments)
        } catch {
            throw failure(error)
        }
    }

    static let turnScript = RedisScript("""
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
        return 1
        """)

    public func recordTurn(_ turn: ConversationTurn, retentionSeconds: Int, at now: Date, in scope: TenantScope) async throws(ConversationStoreError) {
        do throws(RedisError) {
            _ = try await redis.evaluate(Self.turnScript, keys: [RedisArgument(scope.redisKey("conversation_turns"))],
                                         arguments: [Self.stamp(now.addingTimeInterval(-Double(retentionSeconds))), Self.stamp(turn.timestamp),
                                                     RedisArgument(ConversationTurn.encode(turn))])
        } catch {
            throw failure(error)
        }
    }

    public func turns(from: Date, to: Date, limit: Int, in scope: TenantScope) async throws(ConversationStoreError) -> [ConversationTurn] {
        do throws(RedisError) {
            let reply = try await redis.command(["ZREVRANGEBYSCORE", RedisArgument(scope.redisKey("conversation_turns")), RedisArgument("(" + String(format: "%.3f", to.timeIntervalSince1970)),
                                                 Self.stamp(from), "LIMIT", "0", RedisArgument(max(1, limit))])
            return (reply.array ?? []).compactMap { $0.string.flatMap(ConversationTurn.decode) }.reversed()
        } catch {
            throw failure(error)
        }
    }

    public func purge(_ scope: TenantScope) async throws(ConversationStoreError) -> Int {
        do throws(RedisError) {
            let count = Int(try await redis.command(["ZCARD", RedisArgument(scope.redisKey("conversations"))]).integer ?? 0)
            _ = try await redis.deleteKeys(withPrefix: scope.redisKey("conversation"))
            return count
        } catch {
            throw failure(error)
        }
    }

    /// Walks the company's turn log with `ZSCAN` (every entry present for the whole walk is seen once at
    /// least, whatever is added or trimmed meanwhile) and counts or removes the patient's.
    public func turns(ofUser userID: String, erase: Bool, in scope: TenantScope) async throws(ConversationStoreError) -> Int {
        let key = scope.redisKey("conversation_turns")
        var found = Set<String>()
        var cursor = "0"
        do throws(RedisError) {
            repeat {
                let (members, next) = try await redis.scanSortedSet(key, cursor: cursor)
                let theirs = members.filter { ConversationTurn.decode($0)?.userID == userID }
                found.formUnion(theirs)
                if erase, !theirs.isEmpty { _ = try await redis.command([RedisArgument("ZREM"), RedisArgument(key)] + theirs.map { RedisArgument($0) }) }
                cursor = next
            } while cursor != "0"
            return found.count
        } catch {
            throw failure(error)
        }
    }

    /// Deletes each listed conversation (ARGV[3…]) whose last activity is still before ARGV[2]: a message that
    /// arrived since the listing keeps it.
    static let removeInactiveScript = RedisScript("""
        local p, cutoff = ARGV[1], tonumber(ARGV[2])
        local removed = 0
        for i = 3, #ARGV do
            local user = ARGV[i]
            local score = redis.call('ZSCORE', p .. 'conversations', user)
            if score and tonumber(score) < cutoff then
                redis.call('DEL', p .. 'conversation:' .. user, p .. 'conversation_state:' .. user)
                redis.call('ZREM', p .. 'conversations', user)
                removed = removed + 1
            end
        end
        return removed
        """)

    /// Conversations are found through the activity index (`conversations`); their keys go with them.
    public func removeInactive(before cutoff: Date, in scope: TenantScope) async throws(ConversationStoreError) -> (conversations: Int, turns: Int) {
        let index = RedisArgument(scope.redisKey("conversations"))
        let bound = RedisArgument("(" + String(format: "%.3f", cutoff.timeIntervalSince1970))
        var conversations = 0
        do throws(RedisError) {
            while true {
                let users = (try await redis.command(["ZRANGEBYSCORE", index, "-inf", bound, "LIMIT", "0", "500"]).array ?? []).compactMap(\.string)
                if users.isEmpty { break }
                let removed = Int(try await redis.evaluate(Self.removeInactiveScript, keys: [], arguments: [
                    RedisArgument(scope.redisPrefix), RedisArgument(String(format: "%.3f", cutoff.timeIntervalSince1970)),
                ] + users.map { RedisArgument($0) }).integer ?? 0)
                conversations += removed
                // Every listed one was active again: the next page would be the same.
                if removed == 0 { break }
            }
            let turns = Int(try await redis.command(["ZREMRANGEBYSCORE", RedisArgument(scope.redisKey("conversation_turns")), "-inf", bound]).integer ?? 0)
            return (conversations, turns)
        } catch {
            throw failure(error)
        }
    }
}
