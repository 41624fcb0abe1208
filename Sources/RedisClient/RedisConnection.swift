import CHiredis
import Glibc

/// One hiredis connection. Blocking and not thread-safe: a ``RedisClient`` confines each connection to
/// one dedicated thread. A connection that fails is dropped and reconnected on its next use.
final class RedisConnection {
    private var context: UnsafeMutablePointer<redisContext>?
    private let configuration: RedisConfiguration

    init(configuration: RedisConfiguration) { self.configuration = configuration }

    deinit { if let context { redisFree(context) } }

    /// The socket, for cancellation from another thread (-1 when not connected).
    var descriptor: Int32 { context?.pointee.fd ?? -1 }

    private var timeout: timeval {
        let (seconds, attoseconds) = configuration.socketTimeout.components
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }

    private func connect() throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        let created: UnsafeMutablePointer<redisContext>?
        switch configuration.endpoint {
        case .tcp(let host, let port): created = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): created = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let created else { throw RedisError(.connection, "cannot allocate a Redis context") }
        if created.pointee.err != 0 {
            let message = Self.errorString(created)
            redisFree(created)
            throw RedisError(.connection, "cannot connect to \(configuration.displayName): \(message)")
        }
        _ = redisSetTimeout(created, timeout)
        _ = redisEnableKeepAlive(created)
        context = created
        do throws(RedisError) {
            if let password = configuration.password {
                var arguments: [RedisArgument] = ["AUTH"]
                if let username = configuration.username { arguments.append(RedisArgument(username)) }
                arguments.append(RedisArgument(password))
                if let message = try send(arguments).errorMessage { throw RedisError(.connection, "AUTH failed: \(message)") }
            }
            if configuration.database != 0 {
                if let message = try send(["SELECT", RedisArgument(configuration.database)]).errorMessage {
                    throw RedisError(.connection, "SELECT failed: \(message)")
                }
            }
        } catch {
            drop()
            throw error
        }
        return created
    }

    /// Closes the connection; the next call reconnects.
    func drop() {
        if let context { redisFree(context) }
        context = nil
    }

    /// Sends one command and reads its reply (server errors come back as ``RedisValue/error(_:)``).
    func send(_ arguments: [RedisArgument]) throws(RedisError) -> RedisValue {
        try pipeline([arguments])[0]
    }

    /// Sends several commands in one write and reads their replies, in order.
    func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisValue] {
        let context = try connect()
        for command in commands {
            let code = Self.withArgv(command) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard code == REDIS_OK else { throw fail(context) }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw fail(context) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.value(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    private func fail(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        let message = Self.errorString(context)
        drop()
        return RedisError(.connection, "connection to \(configuration.displayName) failed: \(message)")
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func withArgv<R>(
        _ arguments: [RedisArgument],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int>?) -> R
    ) -> R {
        // One contiguous buffer holds every argument (each NUL-terminated); argv points into it.
        var storage: [CChar] = []
        storage.reserveCapacity(arguments.reduce(0) { $0 + $1.bytes.count + 1 })
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(storage.count)
            lengths.append(argument.bytes.count)
            for byte in argument.bytes { storage.append(CChar(bitPattern: byte)) }
            storage.append(0)
        }
        return storage.withUnsafeBufferPointer { base -> R in
            var argv: [UnsafePointer<CChar>?] = offsets.map { offset in base.baseAddress.map { $0 + offset } }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(arguments.count), argvBuffer.baseAddress, lengthBuffer.baseAddress)
                }
            }
        }
    }

    private static func value(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let pointee = reply.pointee
        switch pointee.type {
        case REDIS_REPLY_STRING:
            guard let str = pointee.str else { return .bulk([]) }
            return .bulk(Array(UnsafeRawBufferPointer(start: str, count: pointee.len)))
        case REDIS_REPLY_STATUS:
            guard let str = pointee.str else { return .status("") }
            return .status(String(decoding: UnsafeRawBufferPointer(start: str, count: pointee.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            guard let str = pointee.str else { return .error("") }
            return .error(String(decoding: UnsafeRawBufferPointer(start: str, count: pointee.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(pointee.integer)
        case REDIS_REPLY_ARRAY:
            guard let elements = pointee.element else { return .array([]) }
            return .array((0..<pointee.elements).map { index in elements[index].map(value) ?? .null })
        default:
            return .null
        }
    }
}
