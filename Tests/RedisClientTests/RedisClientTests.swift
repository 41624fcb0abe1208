import Foundation
import Testing
@testable import RedisClient

/// The test server started by scripts/test.sh (`TEST_REDIS_URL`). Without it the tests fail loudly.
func testRedisURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !url.isEmpty else {
        throw RedisError(.client, "TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
    }
    return url
}

@Suite(.serialized) struct RedisClientTests {
    let prefix = "test-" + UUID().uuidString.prefix(8).lowercased() + ":"

    @Test func urls_Parse() throws {
        let full = try RedisConfiguration(url: "redis://user:p%40ss@cache.internal:6380/3")
        #expect(full.endpoint == .tcp(host: "cache.internal", port: 6380) && full.database == 3)
        #expect(full.username == "user" && full.password == "p%40ss")
        #expect(try RedisConfiguration(url: "redis://localhost").endpoint == .tcp(host: "localhost", port: 6379))
        #expect(try RedisConfiguration(url: "redis://[::1]:7000").endpoint == .tcp(host: "::1", port: 7000))
        #expect(try RedisConfiguration(url: "unix:///run/redis.sock?db=2").endpoint == .unix(path: "/run/redis.sock"))
        #expect(!full.displayName.contains("p%40ss"))
        for bad in ["http://x", "redis://", "redis://h:99999", "redis://h/x", "unix://relative"] {
            #expect(throws: RedisError.self) { try RedisConfiguration(url: bad) }
        }
    }

    @Test func commands_Pipelines_AndTransactions_AreBinarySafe() async throws {
        let redis = try RedisClient(url: try testRedisURL(), poolSize: 2)
        defer { redis.shutdown() }
        let bytes: [UInt8] = [0, 1, 2, 0xFF, 0x0D, 0x0A, 0]
        #expect(try await redis.set(prefix + "blob", bytes))
        #expect(try await redis.get(prefix + "blob") == bytes)
        #expect(try await redis.set(prefix + "blob", [9], onlyIfAbsent: true) == false)
        #expect(try await redis.get(prefix + "missing") == nil)
        let replies = try await redis.pipeline([["INCR", RedisArgument(prefix + "n")], ["INCR", RedisArgument(prefix + "n")],
                                                ["HGET", RedisArgument(prefix + "blob"), "x"]])
        #expect(replies[0] == .integer(1) && replies[1] == .integer(2))
        #expect(replies[2].errorMessage?.hasPrefix("WRONGTYPE") == true)
        let atomic = try await redis.transaction([["INCRBY", RedisArgument(prefix + "n"), "10"], ["GET", RedisArgument(prefix + "n")]])
        #expect(atomic == [.integer(12), .bulk(Array("12".utf8))])
        await #expect(throws: RedisError(.server, "ERR unknown command 'NOPE', with args beginning with: ")) {
            try await redis.command("NOPE")
        }
        #expect(await redis.ping())
    }

    @Test func scripts_LoadOnFirstUse_AndRunAtomically() async throws {
        let redis = try RedisClient(url: try testRedisURL())
        defer { redis.shutdown() }
        // Append to a list and keep the last 3: an atomic append-and-trim.
        let appendAndTrim = RedisScript("""
            redis.call('RPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
            return redis.call('LLEN', KEYS[1])
            """)
        _ = try await redis.command("SCRIPT", "FLUSH")
        for index in 1...5 {
            let length = try await redis.evaluate(appendAndTrim, keys: [RedisArgument(prefix + "list")],
                                                  arguments: [RedisArgument("m\(index)"), "3"])
            #expect(length == .integer(Int64(min(index, 3))))
        }
        let list = try await redis.command("LRANGE", RedisArgument(prefix + "list"), "0", "-1")
        #expect(list.array?.compactMap(\.string) == ["m3", "m4", "m5"])
    }

    @Test func keysWithAPrefix_MatchLiterally_AndArePurged() async throws {
        let redis = try RedisClient(url: try testRedisURL())
        defer { redis.shutdown() }
        let tenant = prefix + "ben*va:"
        let other = prefix + "benXva:"
        for index in 0..<1_200 { try await redis.set(tenant + "k\(index)", [1]) }
        try await redis.set(other + "k", [1])
        #expect(try await redis.keys(withPrefix: tenant).count == 1_200)
        #expect(try await redis.deleteKeys(withPrefix: tenant) == 1_200)
        #expect(try await redis.keys(withPrefix: tenant).isEmpty)
        #expect(try await redis.get(other + "k") == [1])
        _ = try await redis.deleteKeys(withPrefix: prefix)
    }

    @Test func aCallerThatTimesOut_IsAnsweredAtOnce_AndTheConnectionRecovers() async throws {
        let redis = try RedisClient(configuration: RedisConfiguration(url: try testRedisURL(), socketTimeout: .seconds(60), poolSize: 1))
        defer { redis.shutdown() }
        let start = ContinuousClock.now
        do {
            _ = try await redis.command(["BLPOP", RedisArgument(prefix + "never"), "30"], timeout: .milliseconds(100))
            Issue.record("the blocking pop should have timed out")
        } catch {
            #expect(error.kind == .cancelled)
        }
        #expect(ContinuousClock.now - start < .seconds(15))
        // The one connection was dropped and is remade: no reply goes to the wrong caller.
        #expect(try await redis.command("ECHO", "after").string == "after")
    }

    @Test func anUnreachableServer_IsAConnectionError() async throws {
        let redis = RedisClient(configuration: RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 1), socketTimeout: .milliseconds(500)))
        defer { redis.shutdown() }
        do {
            _ = try await redis.command("PING")
            Issue.record("a closed port answered")
        } catch {
            #expect(error.kind == .connection)
        }
    }
}
