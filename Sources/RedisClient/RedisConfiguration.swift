/// Where a Redis server is and how to talk to it, from a `REDIS_URL`.
///
/// Accepted forms: `redis://[[user]:password@]host[:port][/db]` and `unix:///path/to/redis.sock[?db=N]`.
public struct RedisConfiguration: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
    public var username: String?
    public var password: String?
    public var database: Int
    /// The longest a connect, or a wait for one reply, may take.
    public var socketTimeout: Duration
    /// Connections in the client's pool (each with its own thread).
    public var poolSize: Int

    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0,
                socketTimeout: Duration = .seconds(2), poolSize: Int = 4) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.socketTimeout = socketTimeout
        self.poolSize = poolSize
    }

    /// Parses a `REDIS_URL`.
    public init(url: String, socketTimeout: Duration = .seconds(2), poolSize: Int = 4) throws(RedisError) {
        self.socketTimeout = socketTimeout
        self.poolSize = max(1, poolSize)
        if url.hasPrefix("unix://") {
            var rest = Substring(url.dropFirst("unix://".count))
            var database = 0
            if let mark = rest.firstIndex(of: "?") {
                let query = rest[rest.index(after: mark)...]
                rest = rest[..<mark]
                for pair in query.split(separator: "&") where pair.hasPrefix("db=") {
                    guard let number = Int(pair.dropFirst(3)), (0...15_000).contains(number) else {
                        throw RedisError(.client, "invalid database number in \(url)")
                    }
                    database = number
                }
            }
            guard rest.hasPrefix("/") else { throw RedisError(.client, "a unix:// Redis URL needs an absolute path") }
            endpoint = .unix(path: String(rest))
            self.database = database
            return
        }
        guard url.hasPrefix("redis://") else {
            throw RedisError(.client, "a Redis URL starts with redis:// or unix://")
        }
        var rest = Substring(url.dropFirst("redis://".count))
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = credentials[..<colon]
                username = user.isEmpty ? nil : String(user)
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let text = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !text.isEmpty {
                guard let number = Int(text), (0...15_000).contains(number) else {
                    throw RedisError(.client, "invalid database number in the Redis URL")
                }
                database = number
            }
        }
        self.database = database
        var host = String(rest)
        var port = 6379
        if rest.hasPrefix("[") , let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65_535).contains(number) else {
                    throw RedisError(.client, "invalid port in the Redis URL")
                }
                port = number
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            guard let number = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(number) else {
                throw RedisError(.client, "invalid port in the Redis URL")
            }
            port = number
        }
        guard !host.isEmpty else { throw RedisError(.client, "the Redis URL has no host") }
        endpoint = .tcp(host: host, port: port)
    }

    /// The endpoint without credentials, for logs and health.
    public var displayName: String {
        switch endpoint {
        case .tcp(let host, let port): return "redis://\(host):\(port)/\(database)"
        case .unix(let path): return "unix://\(path)?db=\(database)"
        }
    }
}
