import BlockingIO
import Glibc
import Synchronization

/// A Redis client for async code: a pool of hiredis connections, each confined to its own
/// ``BlockingIOPool`` thread, so blocking socket calls never run on an event loop or the cooperative pool.
///
/// Connections are made lazily and remade after a failure. A caller that is cancelled or times out is
/// answered at once; its connection's socket is shut down so the blocked read returns, and the connection
/// is remade on its next use (a reply can never be handed to the wrong caller).
public final class RedisClient: Sendable {
    private struct Lane: Sendable {
        let thread: BlockingIOPool
        let connection: ConfinedConnection
    }

    public let configuration: RedisConfiguration
    private let lanes: [Lane]
    private let next = Atomic<Int>(0)

    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
        lanes = (0..<max(1, configuration.poolSize)).map { index in
            Lane(thread: BlockingIOPool(name: "redis-\(index)", threads: 1, maximumQueuedJobs: 4_096),
                 connection: ConfinedConnection(RedisConnection(configuration: configuration)))
        }
    }

    /// Creates a client for a `REDIS_URL`.
    public convenience init(url: String, poolSize: Int = 4) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url, poolSize: poolSize))
    }

    /// Closes the connections (after the commands already queued).
    public func shutdown() {
        for lane in lanes { lane.thread.shutdown() }
    }

    // MARK: Commands

    /// Runs one command. An error reply throws ``RedisError/Kind/server``.
    @discardableResult
    public func command(_ arguments: [RedisArgument], timeout: Duration? = nil) async throws(RedisError) -> RedisValue {
        let reply = try await pipeline([arguments], timeout: timeout)[0]
        if let message = reply.errorMessage { throw RedisError(.server, message) }
        return reply
    }

    /// Runs one command given as separate arguments.
    @discardableResult
    public func command(_ arguments: RedisArgument..., timeout: Duration? = nil) async throws(RedisError) -> RedisValue {
        try await command(arguments, timeout: timeout)
    }

    /// Sends several commands in one round trip and returns their replies in order (error replies are
    /// returned as ``RedisValue/error(_:)``, not thrown).
    public func pipeline(_ commands: [[RedisArgument]], timeout: Duration? = nil) async throws(RedisError) -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        let lane = lanes[next.add(1, ordering: .relaxed).oldValue % lanes.count]
        let connection = lane.connection
        do {
            return try await lane.thread.run(timeout: timeout) { (job) throws(RedisError) -> [RedisValue] in
                let descriptor = connection.value.descriptor
                if descriptor >= 0 { job.onCancel { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) } }
                do throws(RedisError) {
                    return try connection.value.pipeline(commands)
                } catch {
                    if job.isCancelled { connection.value.drop() }
                    throw error
                }
            }
        } catch {
            switch error {
            case .failed(let failure): throw failure
            case .cancelled: throw RedisError(.cancelled, "the command was cancelled")
            case .timedOut: throw RedisError(.cancelled, "the command timed out")
            case .rejected(let reason): throw RedisError(.client, "the Redis pool is overloaded: \(reason)")
            }
        }
    }

    /// Runs commands atomically (`MULTI` … `EXEC`) and returns the replies of the commands themselves.
    public func transaction(_ commands: [[RedisArgument]], timeout: Duration? = nil) async throws(RedisError) -> [RedisValue] {
        let replies = try await pipeline([["MULTI"]] + commands + [["EXEC"]], timeout: timeout)
        for reply in replies.dropLast() {
            if let message = reply.errorMessage { throw RedisError(.server, message) }
        }
        guard let result = replies.last else { throw RedisError(.connection, "no reply to EXEC") }
        if let message = result.errorMessage { throw RedisError(.server, message) }
        guard let values = result.array else { throw RedisError(.server, "the transaction was aborted") }
        return values
    }

    /// Runs `script` with `EVALSHA`, loading it with `EVAL` when the server does not know it yet.
    @discardableResult
    public func evaluate(_ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument] = [],
                         timeout: Duration? = nil) async throws(RedisError) -> RedisValue {
        let tail = [RedisArgument(keys.count)] + keys + arguments
        let reply = try await pipeline([["EVALSHA", RedisArgument(script.sha1)] + tail], timeout: timeout)[0]
        if let message = reply.errorMessage {
            guard message.hasPrefix("NOSCRIPT") else { throw RedisError(.server, message) }
            return try await command(["EVAL", RedisArgument(script.source)] + tail, timeout: timeout)
        }
        return reply
    }

    // MARK: Helpers

    /// `PING`: true when the server answers.
    public func ping(timeout: Duration = .seconds(1)) async -> Bool {
        (try? await command(["PING"], timeout: timeout))?.string == "PONG"
    }

    /// The value of `key`, or nil.
    public func get(_ key: String) async throws(RedisError) -> [UInt8]? {
        try await command(["GET", RedisArgument(key)]).bytes
    }

    /// Sets `key`; with `onlyIfAbsent` (`NX`) returns false when it already existed.
    @discardableResult
    public func set(_ key: String, _ value: [UInt8], expiresIn: Duration? = nil, onlyIfAbsent: Bool = false) async throws(RedisError) -> Bool {
        var arguments: [RedisArgument] = ["SET", RedisArgument(key), RedisArgument(value)]
        if let expiresIn {
            let milliseconds = max(1, expiresIn.components.seconds * 1_000 + expiresIn.components.attoseconds / 1_000_000_000_000_000)
            arguments += ["PX", RedisArgument(milliseconds)]
        }
        if onlyIfAbsent { arguments.append("NX") }
        return try await command(arguments) != .null
    }

    /// Deletes keys (`UNLINK`: freed in the background); returns how many existed.
    @discardableResult
    public func delete(_ keys: [String]) async throws(RedisError) -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try await command(["UNLINK"] + keys.map { RedisArgument($0) }).integer ?? 0)
    }

    /// Every key that starts with `prefix` (incremental `SCAN`, so the server is never blocked).
    /// Glob characters in the prefix are escaped, so it matches literally.
    public func keys(withPrefix prefix: String, batch: Int = 500) async throws(RedisError) -> [String] {
        let pattern = Self.escapeGlob(prefix) + "*"
        var cursor = "0"
        var found: [String] = []
        repeat {
            let reply = try await command(["SCAN", RedisArgument(cursor), "MATCH", RedisArgument(pattern), "COUNT", RedisArgument(batch)])
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let keys = parts[1].array else {
                throw RedisError(.server, "unexpected SCAN reply")
            }
            found += keys.compactMap(\.string)
            cursor = next
        } while cursor != "0"
        return found
    }

    /// One step of an incremental `ZSCAN` over a sorted set: a batch of its members (scores left out) and the
    /// cursor to go on from, `"0"` once the walk is complete. Every member present for the whole walk comes
    /// back at least once, whatever is added or removed meanwhile.
    public func scanSortedSet(_ key: String, cursor: String, batch: Int = 500) async throws(RedisError) -> (members: [String], next: String) {
        let reply = try await command(["ZSCAN", RedisArgument(key), RedisArgument(cursor), "COUNT", RedisArgument(batch)])
        guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let items = parts[1].array else {
            throw RedisError(.server, "unexpected ZSCAN reply")
        }
        let flat = items.compactMap(\.string)
        return (stride(from: 0, to: flat.count, by: 2).map { flat[$0] }, next)
    }

    /// Deletes every key that starts with `prefix`; returns how many were deleted (tenant purge).
    @discardableResult
    public func deleteKeys(withPrefix prefix: String) async throws(RedisError) -> Int {
        let all = try await keys(withPrefix: prefix)
        var removed = 0
        var start = 0
        while start < all.count {
            let end = min(start + 500, all.count)
            removed += try await delete(Array(all[start..<end]))
            start = end
        }
        return removed
    }

    static func escapeGlob(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if "*?[]\\^".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// A connection only its lane's single thread touches.
final class ConfinedConnection: @unchecked Sendable {
    // Confinement, not a lock: every use happens inside a job of the lane's one-thread pool.
    let value: RedisConnection
    init(_ value: RedisConnection) { self.value = value }
}
