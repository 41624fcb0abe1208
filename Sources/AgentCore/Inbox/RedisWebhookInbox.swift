import Foundation
import RedisClient
import Synchronization
import TenantStorage
import Wire

/// The shared inbox on Redis: every event's data under its company's `redis_prefix`, and one Redis Stream
/// per deployment as the work queue that the agent-service replicas consume as a consumer group.
///
/// Keys, for a company with prefix `p`:
/// - `p webhook:event:<id>`: hash of the event (payload, state, attempts, times, its stream entry);
/// - `p webhook:dedupe:<key>`: the id of the event stored under a de-duplication key (expires with the retention);
/// - `p webhook:queue:<account>:<conversation>`: list of the conversation's unfinished event ids, in arrival
///   order; only its head may be claimed, which keeps each conversation in order across replicas;
/// - `p webhook:events`, `p webhook:state:<state>`: sorted sets by arrival sequence, for the admin views and counts;
/// - `p webhook:finished`: sorted set of done events by time, for the retention;
/// - `p webhook:outbox:<id>`, `p webhook:conversation-state:<account>:<conversation>`: the outbox and handoff state.
///
/// The stream (``streamKey``) holds one entry per event (`company`, `prefix`, `event`, `queue`). Acceptance is
/// one Lua script (de-duplication with `SET NX`, the event, its queue, its indexes and the `XADD`), so a
/// delivery is stored whole or not at all. A replica reads new entries with `XREADGROUP`, its own unacknowledged
/// ones again after a restart (`XREADGROUP … 0`), and takes over those of a replica that died with
/// `XAUTOCLAIM` once they have been idle for a lease. Claiming an event is a script that checks it is its
/// conversation's head and due, and leases it; finishing it (done or dead) acknowledges and deletes its entry.
public final class RedisWebhookInbox: WebhookInbox {
    private let redis: RedisClient
    /// The deployment's stream (`agent:webhook:stream` by default).
    public let streamKey: String
    /// The consumer group: one per agent-service deployment.
    public let group: String
    /// This replica's consumer name (stable across its restarts, so it finds its own pending entries).
    public let consumer: String
    let retention: TimeInterval

    typealias Candidate = StreamSchedule.Candidate

    struct ConsumerState: Sendable {
        var groupReady = false
        var schedule = StreamSchedule()
        var lastAutoclaim: Date = .distantPast
        /// Where the next `XAUTOCLAIM` starts.
        var autoclaimCursor = "0-0"
    }

    /// The most stream entries one replica holds before it stops reading new ones.
    static let maximumHeldEntries = 5_000

    private let state = Mutex(ConsumerState())

    public init(redis: RedisClient, streamKey: String = "agent:webhook:stream", group: String = "agent-service", consumer: String,
                retention: TimeInterval = 7 * 86_400) {
        self.redis = redis
        self.streamKey = streamKey
        self.group = group
        self.consumer = consumer
        self.retention = retention
    }

    // MARK: Scripts

    static let acceptScript = RedisScript("""
        local p, stream, id, dedupe, ttl, company = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
        local dkey = p .. 'webhook:dedupe:' .. dedupe
        local existing = redis.call('GET', dkey)
        if existing then return {0, existing} end
        redis.call('SET', dkey, id, 'EX', ttl)
        local seq = redis.call('INCR', p .. 'webhook:sequence')
        local ekey = p .. 'webhook:event:' .. id
        for i = 7, #ARGV, 2 do redis.call('HSET', ekey, ARGV[i], ARGV[i + 1]) end
        local queue = p .. 'webhook:queue:' .. redis.call('HGET', ekey, 'account') .. ':' .. redis.call('HGET', ekey, 'conversation')
        local entry = redis.call('XADD', stream, '*', 'company', company, 'prefix', p, 'event', id, 'queue', queue)
        redis.call('HSET', ekey, 'sequence', seq, 'entry', entry, 'state', 'pending')
        redis.call('RPUSH', queue, id)
        redis.call('ZADD', p .. 'webhook:events', seq, id)
        redis.call('ZADD', p .. 'webhook:state:pending', seq, id)
        return {1, id}
        """)

    /// -1: the event is finished or gone (acknowledge the entry); 0: not now (behind an earlier event of its
    /// conversation, beside one being processed, waiting for a retry, or leased); else the leased event's
    /// fields. The claim records its consumer as the event's owner.
    static let claimScript = RedisScript("""
        local p, id, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local ekey = p .. 'webhook:event:' .. id
        local state = redis.call('HGET', ekey, 'state')
        if not state or state == 'done' or state == 'dead' then return -1 end
        local queue = p .. 'webhook:queue:' .. redis.call('HGET', ekey, 'account') .. ':' .. redis.call('HGET', ekey, 'conversation')
        local head = redis.call('LINDEX', queue, 0)
        while head and head ~= id and redis.call('EXISTS', p .. 'webhook:event:' .. head) == 0 do
            redis.call('LPOP', queue)
            head = redis.call('LINDEX', queue, 0)
        end
        if head ~= id then return 0 end
        -- A dead letter retried to the front must not run beside a later event that is being processed.
        for _, other in ipairs(redis.call('LRANGE', queue, 1, -1)) do
            local okey = p .. 'webhook:event:' .. other
            if redis.call('HGET', okey, 'state') == 'processing' and tonumber(redis.call('HGET', okey, 'lease_until') or '0') > now then return 0 end
        end
        if state == 'pending' then
            if tonumber(redis.call('HGET', ekey, 'next_attempt') or '0') > now then return 0 end
        elseif tonumber(redis.call('HGET', ekey, 'lease_until') or '0') > now then
            return 0
        end
        local seq = redis.call('HGET', ekey, 'sequence')
        redis.call('ZREM', p .. 'webhook:state:' .. state, id)
        redis.call('ZADD', p .. 'webhook:state:processing', seq, id)
        redis.call('HSET', ekey, 'state', 'processing', 'lease_until', ARGV[4], 'updated', ARGV[3], 'owner', ARGV[5])
        redis.call('HINCRBY', ekey, 'attempts', 1)
        return redis.call('HGETALL', ekey)
        """)

    /// Moves an event to `target` with extra fields; a finished one leaves its queue and has its entry
    /// acknowledged and deleted; a done one expires after the retention (and older done ones are dropped).
    static let finishScript = RedisScript("""
        local p, stream, group, id, target, now, retention = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
        local ekey = p .. 'webhook:event:' .. id
        local state = redis.call('HGET', ekey, 'state')
        if not state then return 0 end
        -- A fenced update (a worker's) applies only while its claim holds: still processing, same attempt.
        if ARGV[8] ~= '' and (state ~= 'processing' or redis.call('HGET', ekey, 'attempts') ~= ARGV[8]) then return 0 end
        local seq = redis.call('HGET', ekey, 'sequence')
        redis.call('ZREM', p .. 'webhook:state:' .. state, id)
        redis.call('ZADD', p .. 'webhook:state:' .. target, seq, id)
        redis.call('HSET', ekey, 'state', target, 'updated', now, 'lease_until', '0')
        for i = 9, #ARGV, 2 do redis.call('HSET', ekey, ARGV[i], ARGV[i + 1]) end
        if target == 'done' or target == 'dead' then
            local queue = p .. 'webhook:queue:' .. redis.call('HGET', ekey, 'account') .. ':' .. redis.call('HGET', ekey, 'conversation')
            redis.call('LREM', queue, 1, id)
            local entry = redis.call('HGET', ekey, 'entry')
            if entry then
                redis.call('XACK', stream, group, entry)
                redis.call('XDEL', stream, entry)
            end
        end
        if target == 'done' then
            redis.call('EXPIRE', ekey, retention)
            redis.call('EXPIRE', p .. 'webhook:outbox:' .. id, retention)
            local finished = p .. 'webhook:finished'
            redis.call('ZADD', finished, now, id)
            local old = redis.call('ZRANGEBYSCORE', finished, '-inf', tonumber(now) - retention, 'LIMIT', 0, 100)
            for _, gone in ipairs(old) do
                redis.call('ZREM', finished, gone)
                redis.call('ZREM', p .. 'webhook:events', gone)
                redis.call('ZREM', p .. 'webhook:state:done', gone)
                redis.call('DEL', p .. 'webhook:event:' .. gone, p .. 'webhook:outbox:' .. gone)
            end
        end
        return 1
        """)

    /// An event left `processing` by this replica's previous run (it is the owner): due again now.
    static let releaseScript = RedisScript("""
        local p, id, now = ARGV[1], ARGV[2], ARGV[3]
        local ekey = p .. 'webhook:event:' .. id
        if redis.call('HGET', ekey, 'state') ~= 'processing' or redis.call('HGET', ekey, 'owner') ~= ARGV[4] then return 0 end
        local seq = redis.call('HGET', ekey, 'sequence')
        redis.call('ZREM', p .. 'webhook:state:processing', id)
        redis.call('ZADD', p .. 'webhook:state:pending', seq, id)
        redis.call('HSET', ekey, 'state', 'pending', 'next_attempt', now, 'lease_until', '0')
        return 1
        """)

    /// A dead or waiting event back in line, attempts reset; a dead one goes back to the head of its
    /// conversation's queue (it is older than what waits there) with a new stream entry.
    static let retryScript = RedisScript("""
        local p, stream, id, now, company = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
        local ekey = p .. 'webhook:event:' .. id
        local state = redis.call('HGET', ekey, 'state')
        if not state then return 0 end
        if state == 'dead' or state == 'pending' then
            if state == 'dead' then
                local queue = p .. 'webhook:queue:' .. redis.call('HGET', ekey, 'account') .. ':' .. redis.call('HGET', ekey, 'conversation')
                redis.call('LPUSH', queue, id)
                local entry = redis.call('XADD', stream, '*', 'company', company, 'prefix', p, 'event', id, 'queue', queue)
                redis.call('HSET', ekey, 'entry', entry)
            end
            local seq = redis.call('HGET', ekey, 'sequence')
            redis.call('ZREM', p .. 'webhook:state:' .. state, id)
            redis.call('ZADD', p .. 'webhook:state:pending', seq, id)
            redis.call('HSET', ekey, 'state', 'pending', 'attempts', 0, 'next_attempt', now, 'updated', now)
        end
        return redis.call('HGETALL', ekey)
        """)

    // MARK: Helpers

    /// Deletes, among the given events (ARGV[7…]), those of the patient ARGV[4] (`user` mode; not one a worker
    /// holds now, with its lease running past ARGV[6]: those are counted as busy) or the finished ones received
    /// before ARGV[5] (`retention` mode): the event, its outbox, its index and queue places and its stream
    /// entry. The de-duplication key stays. An id whose event expired already leaves every index. Returns
    /// {erased, busy}.
    static let eraseScript = RedisScript("""
        local p, stream, group, user, cutoff, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
        local removed, busy = 0, 0
        for i = 7, #ARGV do
            local id = ARGV[i]
            local ekey = p .. 'webhook:event:' .. id
            local f = redis.call('HMGET', ekey, 'user', 'state', 'entry', 'account', 'conversation', 'received', 'lease_until')
            local match
            if user ~= '' then match = f[1] == user
            else match = (f[2] == 'done' or f[2] == 'dead') and tonumber(f[6] or '0') < cutoff end
            if match and f[2] == 'processing' and tonumber(f[7] or '0') > now then
                busy = busy + 1
            elseif f[2] and match then
                redis.call('ZREM', p .. 'webhook:events', id)
                redis.call('ZREM', p .. 'webhook:state:' .. f[2], id)
                redis.call('ZREM', p .. 'webhook:finished', id)
                if f[4] and f[5] then redis.call('LREM', p .. 'webhook:queue:' .. f[4] .. ':' .. f[5], 0, id) end
                redis.call('DEL', ekey, p .. 'webhook:outbox:' .. id)
                if f[3] then
                    redis.call('XACK', stream, group, f[3])
                    redis.call('XDEL', stream, f[3])
                end
                removed = removed + 1
            elseif not f[2] then
                redis.call('ZREM', p .. 'webhook:events', id)
                redis.call('ZREM', p .. 'webhook:finished', id)
                for _, state in ipairs({'pending', 'processing', 'done', 'dead'}) do redis.call('ZREM', p .. 'webhook:state:' .. state, id) end
            end
        end
        return {removed, busy}
        """)

    private func failure(_ error: RedisError) -> WebhookInboxError { WebhookInboxError("webhook inbox (Redis): \(error)") }

    static func stamp(_ date: Date) -> String { String(format: "%.3f", date.timeIntervalSince1970) }

    private func run(_ body: () async throws(RedisError) -> RedisValue) async throws(WebhookInboxError) -> RedisValue {
        do {
            return try await body()
        } catch {
            throw failure(error)
        }
    }

    private func script(_ script: RedisScript, _ arguments: [String]) async throws(WebhookInboxError) -> RedisValue {
        try await run { () throws(RedisError) -> RedisValue in try await redis.evaluate(script, keys: [], arguments: arguments.map { RedisArgument($0) }) }
    }

    /// A hash reply (`HGETALL`: field, value, …) as a dictionary of byte strings.
    static func fields(_ reply: RedisValue) -> [String: [UInt8]] { reply.fieldValues.compactMapValues(\.bytes) }

    static func event(_ fields: [String: [UInt8]]) -> InboxEvent? {
        func text(_ key: String) -> String? { fields[key].map { String(decoding: $0, as: UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ key: String) -> Double? { text(key).flatMap(Double.init) }
        guard let company = text("company").flatMap(CompanyID.init), let id = text("id"), let kind = text("kind").flatMap(ChatwootEvent.Kind.init),
              let name = text("event"), let account = text("account"), let conversation = text("conversation").flatMap(Int.init),
              let key = text("dedupe") else { return nil }
        let event = ChatwootEvent(kind: kind, event: name, accountID: account, conversationID: conversation, messageID: text("message").flatMap(Int.init),
                                  userID: text("user"), content: text("content"), status: text("status"), deduplicationKey: key)
        let state = WebhookEventState(rawValue: text("state") ?? "") ?? .unknown
        return InboxEvent(id: id, companyID: company, event: event, state: state, attempts: text("attempts").flatMap(Int.init) ?? 0,
                          receivedAt: Date(timeIntervalSince1970: number("received") ?? 0), updatedAt: Date(timeIntervalSince1970: number("updated") ?? 0),
                          nextAttemptAt: number("next_attempt").map(Date.init(timeIntervalSince1970:)), lastError: text("last_error"),
                          outcome: text("outcome"), body: fields["body"] ?? [])
    }

    /// Stream entries from an `XREADGROUP` or `XAUTOCLAIM` list (deleted entries, with no fields, are skipped).
    static func candidates(_ entries: [RedisValue]) -> [Candidate] {
        entries.compactMap { entry -> Candidate? in
            guard let parts = entry.array, parts.count == 2, let id = parts[0].string else { return nil }
            let fields = parts[1].fieldValues.compactMapValues(\.string)
            guard let prefix = fields["prefix"], let company = fields["company"].flatMap(CompanyID.init), let event = fields["event"],
                  let queue = fields["queue"] else { return nil }
            return Candidate(entry: id, prefix: prefix, company: company, event: event, queue: queue)
        }
    }

    /// Adds entries this replica now holds (once each), in stream order.
    private func hold(_ new: [Candidate]) {
        guard !new.isEmpty else { return }
        state.withLock { $0.schedule.hold(new) }
    }

    /// A stream command; a `NOGROUP` answer (the stream or its group was deleted) makes the next call create
    /// the group again.
    private func streamCommand(_ arguments: [RedisArgument]) async throws(WebhookInboxError) -> RedisValue {
        do {
            return try await redis.command(arguments)
        } catch {
            if error.message.contains("NOGROUP") { state.withLock { $0.groupReady = false } }
            throw failure(error)
        }
    }

    private func ensureGroup() async throws(WebhookInboxError) {
        guard !state.withLock({ $0.groupReady }) else { return }
        do {
            _ = try await redis.command(["XGROUP", "CREATE", RedisArgument(streamKey), RedisArgument(group), "0", "MKSTREAM"])
        } catch {
            guard error.message.contains("BUSYGROUP") else { throw failure(error) }
        }
        state.withLock { $0.groupReady = true }
    }

    /// This replica's own unacknowledged entries (after a restart: what it held when it stopped).
    private func readOwnPending() async throws(WebhookInboxError) -> [Candidate] {
        let reply = try await streamCommand(["XREADGROUP", "GROUP", RedisArgument(group), RedisArgument(consumer), "COUNT", "100000",
                                             "STREAMS", RedisArgument(streamKey), "0"])
        return Self.candidates(reply.array?.first?.array?.last?.array ?? [])
    }

    // MARK: WebhookInbox

    public func accept(_ event: ChatwootEvent, body: [UInt8], at time: Date, in scope: TenantScope) async throws(WebhookInboxError) -> InboxAcceptance {
        let id = UUID().uuidString.lowercased()
        let stamp = Self.stamp(time)
        var arguments = [RedisArgument(scope.redisPrefix), RedisArgument(streamKey), RedisArgument(id), RedisArgument(event.deduplicationKey),
                         RedisArgument(Int(retention)), RedisArgument(scope.companyID.rawValue)]
        let fields: [(String, String?)] = [
            ("company", scope.companyID.rawValue), ("id", id), ("kind", event.kind.rawValue), ("event", event.event), ("account", event.accountID),
            ("conversation", String(event.conversationID)), ("message", event.messageID.map(String.init)), ("user", event.userID),
            ("content", event.content), ("status", event.status), ("dedupe", event.deduplicationKey), ("attempts", "0"), ("received", stamp),
            ("updated", stamp), ("next_attempt", stamp),
        ]
        for (key, value) in fields { arguments += [RedisArgument(key), RedisArgument(value ?? "")] }
        arguments += [RedisArgument("body"), RedisArgument(body)]
        let reply = try await run { () throws(RedisError) -> RedisValue in try await redis.evaluate(Self.acceptScript, keys: [], arguments: arguments) }
        let parts = reply.array ?? []
        guard parts.count == 2, let stored = parts[0].integer, let storedID = parts[1].string else {
            throw WebhookInboxError("webhook inbox (Redis): unexpected reply to the acceptance")
        }
        return stored == 1 ? .stored(storedID) : .duplicate(storedID)
    }

    public func releaseOrphanedClaims(at time: Date) async throws(WebhookInboxError) -> Int {
        try await ensureGroup()
        let own = try await readOwnPending()
        hold(own)
        var released = 0
        for candidate in own {
            let reply = try await script(Self.releaseScript, [candidate.prefix, candidate.event, Self.stamp(time), consumer])
            released += Int(reply.integer ?? 0)
        }
        return released
    }

    public func claim(limit: Int, lease: Duration, at time: Date) async throws(WebhookInboxError) -> [InboxEvent] {
        try await ensureGroup()
        let leaseSeconds = WebhookProcessor.seconds(lease)
        // New entries (while this replica holds fewer than it can work through soon: the others read the rest),
        // then, now and then, those of replicas that stopped and left them idle for a lease.
        if state.withLock({ $0.schedule.count }) < Self.maximumHeldEntries {
            let fresh = try await streamCommand(["XREADGROUP", "GROUP", RedisArgument(group), RedisArgument(consumer), "COUNT", "500",
                                                 "STREAMS", RedisArgument(streamKey), ">"])
            hold(Self.candidates(fresh.array?.first?.array?.last?.array ?? []))
        }
        let autoclaimFrom = state.withLock { state -> String? in
            guard time.timeIntervalSince(state.lastAutoclaim) >= max(1, leaseSeconds / 4) else { return nil }
            state.lastAutoclaim = time
            return state.autoclaimCursor
        }
        if let autoclaimFrom {
            let reply = try await streamCommand(["XAUTOCLAIM", RedisArgument(streamKey), RedisArgument(group), RedisArgument(consumer),
                                                 RedisArgument(Int(leaseSeconds * 1000)), RedisArgument(autoclaimFrom), "COUNT", "500"])
            // The cursor goes on through a long pending list, and back to the start once it has been walked.
            let next = reply.array?.first?.string ?? "0-0"
            state.withLock { $0.autoclaimCursor = next }
            hold(Self.candidates(reply.array?.dropFirst().first?.array ?? []))
        }
        // Each ready conversation's first entry, once; the claim script (atomic) has the last word.
        let candidates = state.withLock { $0.schedule.next(limit: max(limit, 16), at: time) }
        var claimed: [InboxEvent] = []
        let now = Self.stamp(time), leaseUntil = Self.stamp(time.addingTimeInterval(leaseSeconds))
        for (position, candidate) in candidates.enumerated() {
            guard claimed.count < limit else {
                // Not asked: back to the ready list, as they were.
                let rest = Array(candidates[position...])
                state.withLock { $0.schedule.putBack(rest) }
                break
            }
            let reply: RedisValue
            do {
                reply = try await script(Self.claimScript, [candidate.prefix, candidate.event, now, leaseUntil, consumer])
            } catch {
                // Redis failed: this and the candidates not asked yet stay ready (the worker backs off before it claims again).
                let rest = Array(candidates[position...])
                state.withLock { $0.schedule.putBack(rest) }
                throw error
            }
            if reply.integer == -1 {
                _ = try? await redis.pipeline([["XACK", RedisArgument(streamKey), RedisArgument(group), RedisArgument(candidate.entry)],
                                               ["XDEL", RedisArgument(streamKey), RedisArgument(candidate.entry)]])
                state.withLock { $0.schedule.answer(.gone, for: candidate) }
            } else if reply.array != nil, let event = Self.event(Self.fields(reply)) {
                state.withLock { $0.schedule.answer(.claimed(until: time.addingTimeInterval(leaseSeconds)), for: candidate) }
                claimed.append(event)
            } else {
                // Behind another event, waiting for its retry, or leased elsewhere: looked at again shortly.
                state.withLock { $0.schedule.answer(.notBefore(time.addingTimeInterval(0.25)), for: candidate) }
            }
        }
        return claimed
    }

    private func finish(_ id: String, prefix: String, attempt: Int?, target: WebhookEventState, at time: Date, retryAt: Date? = nil,
                        fields: [(String, String)]) async throws(WebhookInboxError) {
        var arguments = [prefix, streamKey, group, id, target.rawValue, Self.stamp(time), String(Int(retention)), attempt.map(String.init) ?? ""]
        for (key, value) in fields { arguments += [key, value] }
        guard try await script(Self.finishScript, arguments).integer == 1 else { return }  // not this claim's any more
        state.withLock { state in
            if target == .done || target == .dead {
                state.schedule.finished(event: id)
            } else {
                state.schedule.retry(event: id, at: retryAt ?? time)
            }
        }
    }

    public func complete(_ id: String, attempt: Int?, outcome: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        try await finish(id, prefix: scope.redisPrefix, attempt: attempt, target: .done, at: time, fields: [("outcome", String(outcome.prefix(500)))])
    }

    public func fail(_ id: String, attempt: Int?, error: String, retryAt: Date?, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) {
        try await finish(id, prefix: scope.redisPrefix, attempt: attempt, target: retryAt == nil ? .dead : .pending, at: time, retryAt: retryAt,
                         fields: [("last_error", String(error.prefix(500))), ("next_attempt", Self.stamp(retryAt ?? time))])
    }

    public func abandon(_ id: String, companyID: CompanyID, reason: String, at time: Date) async throws(WebhookInboxError) {
        // No scope can be made for the company: its prefix is the one the entry was stored with.
        guard let candidate = state.withLock({ $0.schedule.candidate(forEvent: id) }), candidate.company == companyID else { return }
        let prefix = candidate.prefix
        try await finish(id, prefix: prefix, attempt: nil, target: .dead, at: time, fields: [("last_error", String(reason.prefix(500)))])
    }

    public func outbox(_ eventID: String, in scope: TenantScope) async throws(WebhookInboxError) -> [String: OutboxStep] {
        let reply = try await run { () throws(RedisError) -> RedisValue in
            try await redis.command(["HGETALL", RedisArgument(scope.redisKey("webhook", "outbox", eventID))])
        }
        var steps: [String: OutboxStep] = [:]
        for (step, value) in Self.fields(reply) {
            let text = String(decoding: value, as: UTF8.self)
            // `<state>[\t<writer>]\n<payload>`
            let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let head = (parts.first ?? "").split(separator: "\t", maxSplits: 1)
            guard let state = head.first.flatMap({ OutboxStep.State(rawValue: String($0)) }) else { continue }
            steps[step] = OutboxStep(state: state, payload: parts.count > 1 ? String(parts[1]) : nil, writer: head.count > 1 ? String(head[1]) : nil)
        }
        return steps
    }

    public func recordOutbox(_ eventID: String, steps: [(name: String, step: OutboxStep)], at time: Date,
                             in scope: TenantScope) async throws(WebhookInboxError) {
        guard !steps.isEmpty else { return }
        // `<state>[\t<writer>]\n<payload>` per step, in one HSET.
        var command: [RedisArgument] = ["HSET", RedisArgument(scope.redisKey("webhook", "outbox", eventID))]
        for (name, value) in steps {
            command += [RedisArgument(name),
                        RedisArgument(value.state.rawValue + (value.writer.map { "\t" + $0 } ?? "") + (value.payload.map { "\n" + $0 } ?? ""))]
        }
        _ = try await run { () throws(RedisError) -> RedisValue in try await redis.command(command) }
    }

    public func clearOutbox(_ eventID: String, step: String, in scope: TenantScope) async throws(WebhookInboxError) {
        _ = try await run { () throws(RedisError) -> RedisValue in
            try await redis.command(["HDEL", RedisArgument(scope.redisKey("webhook", "outbox", eventID)), RedisArgument(step)])
        }
    }

    public func conversationState(account: String, conversation: Int, in scope: TenantScope) async throws(WebhookInboxError) -> ChatwootConversationState {
        let reply = try await run { () throws(RedisError) -> RedisValue in
            try await redis.command(["HGETALL", RedisArgument(scope.redisKey("webhook", "conversation-state", account, String(conversation)))])
        }
        let fields = Self.fields(reply)
        let status = fields["status"].map { String(decoding: $0, as: UTF8.self) }.flatMap { $0.isEmpty ? nil : $0 }
        return ChatwootConversationState(status: status, humanActive: fields["human_active"] == Array("1".utf8))
    }

    public func setConversationState(_ conversationState: ChatwootConversationState, account: String, conversation: Int, at time: Date,
                                     in scope: TenantScope) async throws(WebhookInboxError) {
        let key = RedisArgument(scope.redisKey("webhook", "conversation-state", account, String(conversation)))
        _ = try await run { () throws(RedisError) -> RedisValue in
            try await redis.command(["HSET", key, "status", RedisArgument(conversationState.status ?? ""), "human_active",
                                     RedisArgument(conversationState.humanActive ? "1" : "0"), "updated", RedisArgument(Self.stamp(time))])
        }
    }

    private func events(_ ids: [String], in scope: TenantScope) async throws(WebhookInboxError) -> [InboxEvent] {
        let commands = ids.map { [RedisArgument("HGETALL"), RedisArgument(scope.redisKey("webhook", "event", $0))] }
        let replies: [RedisValue]
        do {
            replies = try await redis.pipeline(commands)
        } catch {
            throw failure(error)
        }
        return replies.compactMap { Self.event(Self.fields($0)) }.filter { $0.companyID == scope.companyID }
    }

    public func list(state: WebhookEventState?, offset: Int, limit: Int, in scope: TenantScope) async throws(WebhookInboxError) -> (total: Int, events: [InboxEvent]) {
        let index = RedisArgument(state.map { scope.redisKey("webhook", "state", $0.rawValue) } ?? scope.redisKey("webhook", "events"))
        let replies: [RedisValue]
        do {
            replies = try await redis.pipeline([["ZCARD", index],
                                                ["ZREVRANGE", index, RedisArgument(max(0, offset)), RedisArgument(max(0, offset) + max(1, limit) - 1)]])
        } catch {
            throw failure(error)
        }
        let ids = (replies.last?.array ?? []).compactMap(\.string)
        return (Int(replies.first?.integer ?? 0), try await events(ids, in: scope))
    }

    public func counts(in scope: TenantScope) async throws(WebhookInboxError) -> [WebhookEventState: Int] {
        let states: [WebhookEventState] = [.pending, .processing, .done, .dead]
        let replies: [RedisValue]
        do {
            replies = try await redis.pipeline(states.map { ["ZCARD", RedisArgument(scope.redisKey("webhook", "state", $0.rawValue))] })
        } catch {
            throw failure(error)
        }
        return Dictionary(uniqueKeysWithValues: zip(states, replies.map { Int($0.integer ?? 0) }))
    }

    public func event(_ id: String, in scope: TenantScope) async throws(WebhookInboxError) -> InboxEvent? {
        try await events([id], in: scope).first
    }

    public func retry(_ id: String, at time: Date, in scope: TenantScope) async throws(WebhookInboxError) -> InboxEvent? {
        let reply = try await script(Self.retryScript, [scope.redisPrefix, streamKey, id, Self.stamp(time), scope.companyID.rawValue])
        guard reply.array != nil, let event = Self.event(Self.fields(reply)), event.companyID == scope.companyID else { return nil }
        return event
    }

    /// Deletes every key of the company's inbox; its stream entries are acknowledged when next read (their events are gone).
    public func purge(_ scope: TenantScope) async throws(WebhookInboxError) -> Int {
        do {
            let total = Int(try await redis.command(["ZCARD", RedisArgument(scope.redisKey("webhook", "events"))]).integer ?? 0)
            _ = try await redis.deleteKeys(withPrefix: scope.redisKey("webhook", ""))
            return total
        } catch {
            throw failure(error)
        }
    }

    public func events(ofUser userID: String, limit: Int, in scope: TenantScope) async throws(WebhookInboxError) -> [InboxEvent] {
        var found: [InboxEvent] = []
        var cursor = "+inf"
        // Newest first, a page of the company's events at a time: their senders first, then only the
        // patient's events in full.
        while found.count < limit {
            let page = try await run { () throws(RedisError) -> RedisValue in
                try await redis.command(["ZREVRANGEBYSCORE", RedisArgument(scope.redisKey("webhook", "events")), RedisArgument(cursor), "-inf",
                                         "WITHSCORES", "LIMIT", "0", "500"])
            }.array?.compactMap(\.string) ?? []
            guard page.count >= 2 else { break }
            let ids = stride(from: 0, to: page.count - 1, by: 2).map { page[$0] }
            let senders: [RedisValue]
            do {
                senders = try await redis.pipeline(ids.map { [RedisArgument("HGET"), RedisArgument(scope.redisKey("webhook", "event", $0)), "user"] })
            } catch {
                throw failure(error)
            }
            let theirs = zip(ids, senders).filter { $0.1.string == userID }.map(\.0)
            if !theirs.isEmpty { found += try await events(theirs, in: scope).map { event in
                var event = event
                event.body = []
                return event
            } }
            cursor = "(" + page[page.count - 1]
        }
        return Array(found.prefix(limit))
    }

    public func erase(userID: String, at now: Date, in scope: TenantScope) async throws(WebhookInboxError) -> (erased: Int, busy: Int) {
        try await eraseEvents(user: userID, cutoff: 0, now: now, in: scope)
    }

    public func removeFinished(before cutoff: Date, in scope: TenantScope) async throws(WebhookInboxError) -> Int {
        try await eraseEvents(user: "", cutoff: cutoff.timeIntervalSince1970, now: Date(), in: scope).erased
    }

    /// Walks the company's events in arrival order, a page at a time, and lets ``eraseScript`` delete the
    /// matching ones of each page atomically.
    private func eraseEvents(user: String, cutoff: Double, now: Date, in scope: TenantScope) async throws(WebhookInboxError) -> (erased: Int, busy: Int) {
        var removed = 0, busy = 0
        var cursor = "-inf"
        while true {
            let page = try await run { () throws(RedisError) -> RedisValue in
                try await redis.command(["ZRANGEBYSCORE", RedisArgument(scope.redisKey("webhook", "events")), RedisArgument(cursor), "+inf",
                                         "WITHSCORES", "LIMIT", "0", "500"])
            }.array?.compactMap(\.string) ?? []
            guard page.count >= 2 else { return (removed, busy) }
            let ids = stride(from: 0, to: page.count - 1, by: 2).map { page[$0] }
            let reply = try await script(Self.eraseScript, [scope.redisPrefix, streamKey, group, user, String(format: "%.3f", cutoff),
                                                            Self.stamp(now)] + ids).array ?? []
            removed += Int(reply.first?.integer ?? 0)
            busy += Int(reply.dropFirst().first?.integer ?? 0)
            cursor = "(" + page[page.count - 1]
        }
    }
}
