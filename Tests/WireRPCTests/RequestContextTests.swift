import Foundation
import ServiceLogging
import Testing
import Wire
@testable import WireRPC

/// One request id through every hop, and patients' data kept out of the logs.
struct RequestContextTests {
    @Test func aCallMadeWhileAnsweringAnother_CarriesItsRequestID_AndLinesNameIt() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        // B answers with the request id its call carried; A relays to B without naming any id itself.
        var routerB = RPCRouter()
        routerB.register(TestAPI.echo, execution: .cooperative) { _, context in EchoMessage(text: context.metadata.requestID ?? "none") }
        let b = try await startServer([directory.socket("b")], router: routerB)
        let toB = RPCClient(endpoints: [directory.socket("b")])
        var routerA = RPCRouter()
        routerA.register(TestAPI.echo, execution: .cooperative) { _, _ in
            let line = Logger(component: "relay").render(.info, "relaying", at: Date())
            let answer = try await toB.call(TestAPI.echo, EchoMessage(text: "x"))
            return EchoMessage(text: answer.text + "|" + line)
        }
        let a = try await startServer([directory.socket("a")], router: routerA)
        var metadata = Metadata()
        metadata.requestID = "rid-0123456789"
        metadata.tenant = "benova"
        let answer = try await RPCClient(endpoints: [directory.socket("a")]).call(TestAPI.echo, EchoMessage(text: "go"), metadata: metadata)
        let parts = answer.text.split(separator: "|", maxSplits: 1).map(String.init)
        #expect(parts.first == "rid-0123456789", "the downstream call carried the request id")
        #expect(parts.last?.contains("[benova] [relay] relaying rid=rid-0123456789") == true, "\(parts.last ?? "")")
        await a.shutdownGracefully()
        await b.shutdownGracefully()
        // Outside a call nothing is bound.
        #expect(!Logger(component: "x").render(.info, "idle", at: Date()).contains("rid="))
    }

    @Test func emailsPhonesAndIDNumbers_AreRedacted_OtherNumbersKept() {
        let redacted = PersonalDataRedaction.redact(
            "booking for ana.perez+citas@example.com, phone +57 300 111 2233 or (601) 555-0101, cédula 1020304050; "
                + "port 8080, 25 MB, year 2026, event ev_1a2b3c4d5e6f7a8b9c, rid=4e4237f496eddcfa4dcf9549, took 12.5 ms, on 2026-12-07 08:00")
        #expect(redacted == "booking for [email], phone [phone] or [phone], cédula [number]; "
                + "port 8080, 25 MB, year 2026, event ev_1a2b3c4d5e6f7a8b9c, rid=4e4237f496eddcfa4dcf9549, took 12.5 ms, on 2026-12-07 08:00", "\(redacted)")
        let line = Logger(component: "agent").render(.warning, "could not reach 3001112233", at: Date())
        #expect(line.hasSuffix("could not reach [phone]") || line.hasSuffix("could not reach [number]"), "\(line)")
    }
}
