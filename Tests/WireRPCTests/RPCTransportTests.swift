import Foundation
import NetworkCore
import Testing
import Wire
@testable import WireRPC

@Suite(.serialized) struct RPCTransportTests {
    @Test func thousandConcurrentCalls_OverOneConnection_AllAnsweredCorrectly() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let server = try await startServer([directory.socket()])
        let client = RPCClient(endpoints: [directory.socket()])
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    let text = "message-\(index)-" + String(repeating: "x", count: index % 300)
                    let reply = try await client.call(TestAPI.echo, EchoMessage(text: text))
                    return (index, reply.text)
                }
            }
            var seen = Set<Int>()
            for try await (index, text) in group {
                #expect(text == "message-\(index)-" + String(repeating: "x", count: index % 300))
                seen.insert(index)
            }
            #expect(seen.count == 1_000)
        }
        #expect(server.connections.withLock { $0.count } == 1)
        client.close()
        await server.shutdownGracefully()
    }

    @Test func metadata_ReachesTheHandler() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let observations = Observations()
        let server = try await startServer([directory.socket()], router: makeRouter(observations: observations))
        let client = RPCClient(endpoints: [directory.socket()])
        var metadata = Metadata()
        metadata.tenant = "benova"
        _ = try await client.call(TestAPI.echo, EchoMessage(text: "x"), metadata: metadata)
        #expect(observations.value("tenant") == "benova")
        await server.shutdownGracefully()
    }

    @Test func deadlineExpiry_GivesDeadlineExceeded_AndCancelsTheHandler() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let observations = Observations()
        let server = try await startServer([directory.socket()], router: makeRouter(observations: observations))
        let client = RPCClient(endpoints: [directory.socket()])
        let start = ContinuousClock.now
        do {
            _ = try await client.call(TestAPI.sleep, SleepRequest(milliseconds: 5_000, tag: "d"), timeout: .milliseconds(100))
            Issue.record("the call should have timed out")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        // Before the handler's 5 s would have answered (generous: CI runs suites side by side on 2 cores, and the
        // resumption after the deadline waits for a free cooperative thread); the handler never completes.
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(await observations.wait(for: "cancelled-d") == "yes")
        #expect(observations.value("completed-d") == nil)
        await server.shutdownGracefully()
    }

    @Test func clientCancellation_CancelsTheServerHandler() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let observations = Observations()
        let server = try await startServer([directory.socket()], router: makeRouter(observations: observations))
        let client = RPCClient(endpoints: [directory.socket()])
        let task = Task { try await client.call(TestAPI.sleep, SleepRequest(milliseconds: 5_000, tag: "c")) }
        #expect(await observations.wait(for: "started-c") == "yes")
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("the call should have been cancelled")
        } catch let error as RPCError {
            #expect(error.code == .cancelled)
        }
        #expect(await observations.wait(for: "cancelled-c") == "yes")
        await server.shutdownGracefully()
    }

    @Test func errors_MapToStatusCodes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let server = try await startServer([directory.socket()])
        let client = RPCClient(endpoints: [directory.socket()])
        await #expect(throws: RPCError(.failedPrecondition, "precondition rpc")) {
            try await client.call(TestAPI.fail, EchoMessage(text: "rpc"))
        }
        await #expect(throws: RPCError(.unknown, "Service method threw an unknown error.")) {
            try await client.call(TestAPI.fail, EchoMessage(text: "other"))
        }
        await #expect(throws: RPCError(.unimplemented, "method 'test/missing' is not implemented")) {
            try await client.call(TestAPI.missing, EchoMessage(text: ""))
        }
        // A payload the handler cannot decode fails only that call.
        await #expect(throws: RPCError.self) {
            try await client.callRaw(method: TestAPI.echo.fullName, payload: [0xFF, 0xFF], metadata: Metadata(), timeout: nil)
        }
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "still fine")).text == "still fine")
        let methods = try await client.call(StandardMethods.listMethods, ListMethodsRequest()).methods.map(\.fullName)
        #expect(methods.contains("test/echo") && methods.contains("wire/health") && methods.contains("wire/listMethods"))
        await server.shutdownGracefully()
    }

    @Test func concurrencyLimit_GivesResourceExhausted() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let observations = Observations()
        let server = try await startServer([directory.socket()], router: makeRouter(observations: observations)) {
            $0.maximumConcurrentCalls = 2
        }
        let client = RPCClient(endpoints: [directory.socket()])
        let slow = (0..<2).map { index in
            Task { try await client.call(TestAPI.sleep, SleepRequest(milliseconds: 1_000, tag: "slow\(index)")) }
        }
        #expect(await observations.wait(for: "started-slow0") == "yes")
        #expect(await observations.wait(for: "started-slow1") == "yes")
        let refused = await #expect(throws: RPCError.self) { try await client.call(TestAPI.echo, EchoMessage(text: "third")) }
        #expect(refused?.code == .resourceExhausted)
        for task in slow { _ = try await task.value }
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "after")).text == "after")
        await server.shutdownGracefully()
    }

    @Test func serverRestart_ClientRecoversWithoutBeingRecreated() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        var server = try await startServer([address])
        let client = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(maximumBackoff: .milliseconds(200)))
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "one")).text == "one")
        await server.shutdownGracefully()
        do {
            _ = try await client.call(TestAPI.echo, EchoMessage(text: "down"))
            Issue.record("a call succeeded with the server down")
        } catch {
            #expect(error.code == .unavailable)
        }
        server = try await startServer([address])
        var recovered = false
        for _ in 0..<50 where !recovered {
            if let reply = try? await client.call(TestAPI.echo, EchoMessage(text: "two")) {
                recovered = reply.text == "two"
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(recovered)
        await server.shutdownGracefully()
    }

    @Test func severalEndpoints_FailOverToTheOneThatIsUp() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let up = directory.socket("up")
        let down = directory.socket("down")
        let server = try await startServer([up])
        let client = RPCClient(endpoints: [down, up])
        for index in 0..<20 {
            #expect(try await client.call(TestAPI.echo, EchoMessage(text: "\(index)")).text == "\(index)")
        }
        await server.shutdownGracefully()
    }

    @Test func gracefulShutdown_CompletesInFlightCalls_AndRefusesNewOnes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let address = directory.socket()
        let observations = Observations()
        let server = try await startServer([address], router: makeRouter(observations: observations))
        let client = RPCClient(endpoints: [address])
        let inFlight = Task { try await client.call(TestAPI.sleep, SleepRequest(milliseconds: 300, tag: "g")) }
        // Shut down only once the server is running the call.
        #expect(await observations.wait(for: "started-g") == "yes")
        let clock = ContinuousClock()
        let elapsed = await clock.measure { await server.shutdownGracefully() }
        #expect(try await inFlight.value.text == "g")
        #expect(elapsed < .seconds(5))
        await #expect(throws: RPCError.self) { try await client.call(TestAPI.echo, EchoMessage(text: "late")) }
    }

    @Test func gracefulShutdown_IsBoundedByTheGracePeriod() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let observations = Observations()
        let server = try await startServer([directory.socket()], router: makeRouter(observations: observations)) {
            $0.shutdownGracePeriod = .milliseconds(200)
        }
        let client = RPCClient(endpoints: [directory.socket()])
        let stuck = Task { try await client.call(TestAPI.sleep, SleepRequest(milliseconds: 10_000, tag: "s")) }
        #expect(await observations.wait(for: "started-s") == "yes")
        let elapsed = await ContinuousClock().measure { await server.shutdownGracefully() }
        #expect(elapsed < .seconds(2))
        await #expect(throws: RPCError.self) { try await stuck.value }
    }
}
