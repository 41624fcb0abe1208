import CCurl
import CCurlShims
import CHiredis
import COpenSSL
import COpenSSLShims
import CPostgreSQL
import CSQLite
import Foundation
import Testing

/// Each system library links and works through its module (and shim, where one exists).
/// The PostgreSQL and Redis checks use the servers the test command starts; without them they fail.
@Suite struct SystemLibrariesTests {
    @Test func openSSL_ComputesTheChatwootHMACTestVector() {
        let secret = Array("whsec-test-secret".utf8)
        let message = Array(#"1763177714.{"event":"message_created","id":810,"message_type":"incoming"}"#.utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), secret, Int32(secret.count), message, message.count, &digest, &length)
        let hex = digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == "3bfe24f2a820d0360bb961a85ec78dec8850b882588f345fc509950a7d943d0f")
        #expect(COpenSSL_TLS1_2_VERSION() == 0x0303)
    }

    @Test func curl_AcceptsOptionsThroughTheTypedShims() throws {
        let info = try #require(curl_version_info(CURLVERSION_TENTH))
        #expect(info.pointee.version_num >= 0x075800)  // 7.88
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(CCurl_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK)
        #expect(CCurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 500) == CURLE_OK)
        #expect(CCurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        // Nothing listens on port 1: the transfer fails cleanly with a connect error.
        #expect(curl_easy_perform(handle) == CURLE_COULDNT_CONNECT)
    }

    @Test func sqlite_RunsStatementsInMemory() throws {
        var database: OpaquePointer?
        #expect(sqlite3_open_v2(":memory:", &database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK)
        defer { sqlite3_close(database) }
        #expect(sqlite3_exec(database, "CREATE TABLE t(x TEXT); INSERT INTO t VALUES('hola');", nil, nil, nil) == SQLITE_OK)
        var statement: OpaquePointer?
        #expect(sqlite3_prepare_v2(database, "SELECT x FROM t", -1, &statement, nil) == SQLITE_OK)
        defer { sqlite3_finalize(statement) }
        #expect(sqlite3_step(statement) == SQLITE_ROW)
        let text = try #require(sqlite3_column_text(statement, 0))
        #expect(String(cString: text) == "hola")
    }

    @Test func hiredis_ParsesRESPWithItsReader() throws {
        let reader = try #require(redisReaderCreate())
        defer { redisReaderFree(reader) }
        let input = "*2\r\n+OK\r\n:42\r\n"
        #expect(redisReaderFeed(reader, input, input.utf8.count) == REDIS_OK)
        var raw: UnsafeMutableRawPointer?
        #expect(redisReaderGetReply(reader, &raw) == REDIS_OK)
        let reply = try #require(raw).assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(reply) }
        #expect(reply.pointee.type == REDIS_REPLY_ARRAY)
        #expect(reply.pointee.elements == 2)
        #expect(reply.pointee.element[1]?.pointee.integer == 42)
    }

    @Test func redis_AnswersPingOnTheTestServer() throws {
        let url = try #require(ProcessInfo.processInfo.environment["TEST_REDIS_URL"],
                               "TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
        let parts = url.replacingOccurrences(of: "redis://", with: "").split(separator: ":")
        let host = String(parts.first ?? "127.0.0.1")
        let port = Int32(parts.count > 1 ? String(parts[1].prefix { $0.isNumber }) : "6379") ?? 6379
        let context = try #require(redisConnectWithTimeout(host, port, timeval(tv_sec: 2, tv_usec: 0)))
        defer { redisFree(context) }
        #expect(context.pointee.err == 0)
        var arguments: [UnsafePointer<CChar>?] = []
        let ping = strdup("PING")
        defer { free(ping) }
        arguments.append(UnsafePointer(ping))
        var lengths = [Int]([4])
        let raw = redisCommandArgv(context, 1, &arguments, &lengths)
        let reply = try #require(raw).assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(reply) }
        #expect(String(cString: reply.pointee.str) == "PONG")
    }

    @Test func postgres_RunsAQueryOnTheTestServer() throws {
        #expect(PQlibVersion() >= 150_000)
        let url = try #require(ProcessInfo.processInfo.environment["TEST_DATABASE_URL"],
                               "TEST_DATABASE_URL is not set: run the tests with scripts/test.sh, which starts PostgreSQL")
        let connection = PQconnectdb(url)
        defer { PQfinish(connection) }
        #expect(PQstatus(connection) == CONNECTION_OK, "\(String(cString: PQerrorMessage(connection)))")
        let result = PQexec(connection, "SELECT 40 + 2")
        defer { PQclear(result) }
        #expect(PQresultStatus(result) == PGRES_TUPLES_OK)
        #expect(String(cString: PQgetvalue(result, 0, 0)) == "42")
    }
}
