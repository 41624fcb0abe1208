import Foundation
import Glibc
import Synchronization
import Testing

/// One `rag-service` process of the replica test.
final class RAGReplica: @unchecked Sendable {
    // Used from the test's task only.
    let socket: String
    let environment: [String: String]
    var process: Process?

    init(socket: String, environment: [String: String]) {
        self.socket = socket
        self.environment = environment
    }

    func start() throws {
        let process = Process()
        process.executableURL = try ExecutableLocator.url("rag-service")
        process.arguments = ["--listen", "unix:\(socket)"]
        process.environment = environment
        let log = socket + ".log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = FileHandle(forWritingAtPath: log)
        handle?.seekToEndOfFile()
        process.standardError = handle ?? FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// Whether a process accepts connections on the socket (a SIGKILLed one leaves its socket file behind,
    /// so the file's existence says nothing).
    var isListening: Bool {
        let descriptor = socket_fd()
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(self.socket.utf8.prefix(107))
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (offset, byte) in path.enumerated() { buffer[offset] = byte }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }

    private func socket_fd() -> Int32 { Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }

    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Counts of a background search load.
final class SearchLoadCounter: Sendable {
    let stopped = Atomic<Bool>(false)
    private let state = Mutex((searches: 0, failures: [String]()))

    func record(_ failure: String?) {
        state.withLock { state in
            state.searches += 1
            if let failure { state.failures.append(failure) }
        }
    }

    var searches: Int { state.withLock { $0.searches } }
    var failures: [String] { state.withLock { $0.failures } }
}

extension IntegrationSuite {
    /// Two `rag-service` replicas over one real Redis behind the gateway: a replica killed under a search
    /// load is failed over, and after its restart it serves current data, including writes made through
    /// the other replica while it was down.
    @Suite(.serialized) struct RAGReplicaTests {
        func json(_ object: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        }

        @Test func aKilledReplica_IsFailedOver_AndServesCurrentDataAfterItsRestart() async throws {
            guard let redisURL = ProcessInfo.processInfo.environment["TEST_REDIS_URL"], !redisURL.isEmpty else {
                Issue.record("TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
                return
            }
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            let sockets = [1, 2].map { "\(fixture.directory)/rag-\($0).sock" }
            // No rate limit in the way of the search load.
            try await fixture.start(environment: ["RAG_SERVICE_ADDRESS": sockets.map { "unix:\($0)" }.joined(separator: ","),
                                                  "RATE_LIMIT_BASIC": "100000", "RATE_LIMIT_PER_KEY": "100000"])
            var environment = ProcessInfo.processInfo.environment
            environment["CONFIG_SERVICE_ADDRESS"] = "unix:\(fixture.configSocket)"
            environment["WIRE_RUN_DIR"] = fixture.directory
            environment["REDIS_URL"] = redisURL
            environment["RAG_FOLLOW_INTERVAL"] = "200ms"
            environment["LOG_LEVEL"] = "warning"
            let replicas = sockets.enumerated().map { index, socket in
                var own = environment
                own["DATA_DIR"] = "\(fixture.directory)/replica-\(index + 1)"
                return RAGReplica(socket: socket, environment: own)
            }
            defer { for replica in replicas { replica.kill() } }
            for replica in replicas { try replica.start() }

            let headers = ["X-API-Key": fixture.adminKey, "X-Company-ID": "wellness", "Content-Type": "application/json"]
            func call(_ method: String, _ target: String, _ body: Any? = nil) -> RawHTTPResponse? {
                fixture.request(method, target, headers: headers, body: body.map(json))
            }
            func searchIDs(_ query: String) -> [String]? {
                (call("POST", "/api/documents/search", ["query": query, "k": 5, "mode": "keyword"])?.json?["results"] as? [[String: Any]])?
                    .compactMap { $0["document_id"] as? String }
            }
            #expect(await waitUntil(timeout: .seconds(10)) { call("GET", "/api/documents/stats")?.status == 200 })
            // Start from an empty knowledge base (the Redis server outlives test runs).
            while let page = call("GET", "/api/documents?page_size=100")?.json?["documents"] as? [[String: Any]], !page.isEmpty {
                for document in page { _ = call("DELETE", "/api/documents/\(document["id"] as? String ?? "")") }
            }
            for (id, text) in [("sauna", "Circuito de sauna finlandesa y baño turco."), ("masaje", "Masaje descontracturante de espalda.")] {
                #expect(call("POST", "/api/documents", ["id": id, "content": text])?.status == 201)
            }
            #expect(searchIDs("sauna finlandesa") == ["sauna"])

            // A search load on two threads for the whole test; every search must succeed.
            let counter = SearchLoadCounter()
            let port = fixture.httpPort, adminKey = fixture.adminKey
            let load = Task {
                await runOnThreads(2) { _ in
                    let body = #"{"query":"masaje espalda","k":3}"#
                    while !counter.stopped.load(ordering: .relaxed) {
                        guard let connection = RawHTTPConnection(port: port) else { continue }
                        connection.send("POST /api/documents/search HTTP/1.1\r\nHost: t\r\nX-API-Key: \(adminKey)\r\nX-Company-ID: wellness\r\n"
                            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                        let response = connection.readResponse()
                        counter.record(response?.status == 200 ? nil : "\(response?.status ?? 0) \(response?.errorCode ?? "no answer")")
                    }
                }
            }
            func searchesSoFar() -> Int { counter.searches }

            // Each replica in turn (one of them is the tenant's first choice): killed, written around, restarted.
            for (position, replica) in replicas.enumerated() {
                let before = searchesSoFar()
                #expect(await waitUntil { searchesSoFar() > before + 20 })
                replica.kill()
                let afterKill = searchesSoFar()
                #expect(await waitUntil { searchesSoFar() > afterKill + 50 }, "searches stopped after replica \(position + 1) was killed")
                // Written through the surviving replica while this one is down.
                let id = "nuevo-\(position)"
                #expect(call("POST", "/api/documents", ["id": id, "content": "Tratamiento nuevo número \(position) de presoterapia."])?.status == 201)
                try replica.start()
                // Back, it loads the tenant again and serves the write it missed.
                #expect(await waitUntil(timeout: .seconds(10)) {
                    replica.isListening && searchIDs("presoterapia \(position)")?.contains(id) == true
                })
            }
            counter.stopped.store(true, ordering: .relaxed)
            await load.value
            let (total, failures) = (counter.searches, counter.failures)
            #expect(total > 100)
            #expect(failures.isEmpty, "\(failures.count) of \(total) searches failed: \(Set(failures).prefix(5))")

            // Both replicas now serve current data: a write through either is visible through both within a second.
            #expect(call("POST", "/api/documents", ["id": "ultimo", "content": "Depilación con cera tibia."])?.status == 201)
            #expect(await waitUntil(timeout: .seconds(1)) { searchIDs("cera tibia") == ["ultimo"] })
        }
    }
}
