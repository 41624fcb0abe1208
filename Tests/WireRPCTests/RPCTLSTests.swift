import Foundation
import NetworkCore
import Testing
import Wire
@testable import WireRPC

/// Certificates made with the openssl CLI: a CA, a server certificate for localhost and 127.0.0.1,
/// a client certificate signed by the CA, and a client certificate signed by an unrelated CA.
struct TestCertificates {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    init() throws {
        directory = TemporaryDirectory()
        let script = """
        set -e
        cd '\(directory.path)'
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Test CA' -keyout ca.key -out ca.pem 2>/dev/null
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Rogue CA' -keyout rogue-ca.key -out rogue-ca.pem 2>/dev/null
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext
        openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key -out server.csr 2>/dev/null
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.pem 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj '/CN=client' -keyout client.key -out client.csr 2>/dev/null
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out client.pem 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj '/CN=rogue' -keyout rogue.key -out rogue.csr 2>/dev/null
        openssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -days 2 -out rogue.pem 2>/dev/null
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NetworkError.tls("openssl failed to create test certificates (status \(process.terminationStatus))")
        }
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}

@Suite(.serialized) struct RPCTLSTests {
    @Test func tls_RoundTrip_VerifiesTheServer() async throws {
        let certificates = try TestCertificates()
        defer { certificates.directory.cleanup() }
        let serverTLS = try TLSContext(configuration: .server(
            certificateChainPath: certificates.file("server.pem"), privateKeyPath: certificates.file("server.key")),
            isServer: true)
        let server = try await startServer([.tcp(host: "127.0.0.1", port: 0)], tls: serverTLS) {
            $0.serviceCredential = testCredential
        }
        let address = try #require(server.boundAddresses.first)
        let clientTLS = try TLSContext(configuration: .client(
            trustRootsPath: certificates.file("ca.pem"), serverName: "localhost"), isServer: false)
        let client = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
            tls: clientTLS, callerName: "tester", serviceCredential: testCredential))
        let text = String(repeating: "secret ", count: 5_000)
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: text)).text == text)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let reply = try await client.call(TestAPI.echo, EchoMessage(text: "\(index)"))
                    #expect(reply.text == "\(index)")
                }
            }
            try await group.waitForAll()
        }

        // A client that does not trust the server's CA is refused.
        let untrusting = try TLSContext(configuration: .client(
            trustRootsPath: certificates.file("rogue-ca.pem"), serverName: "localhost"), isServer: false)
        let refused = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(tls: untrusting))
        await #expect(throws: RPCError.self) { try await refused.call(TestAPI.echo, EchoMessage(text: "no")) }
        // A plaintext client gets nothing either.
        let plain = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(defaultTimeout: .seconds(1)))
        await #expect(throws: RPCError.self) { try await plain.call(TestAPI.echo, EchoMessage(text: "no")) }
        await server.shutdownGracefully()
    }

    @Test func mutualTLS_AcceptsTheRightClientCertificate_AndRefusesOthers() async throws {
        let certificates = try TestCertificates()
        defer { certificates.directory.cleanup() }
        let serverTLS = try TLSContext(configuration: .server(
            certificateChainPath: certificates.file("server.pem"), privateKeyPath: certificates.file("server.key"),
            trustRootsPath: certificates.file("ca.pem"), requireClientCertificate: true), isServer: true)
        var router = makeRouter()
        router.register(HardeningAPI.whoami, execution: .eventLoop) { _, context in EchoMessage(text: "\(context.caller)") }
        let server = try await startServer([.tcp(host: "127.0.0.1", port: 0)], router: router, tls: serverTLS)
        let address = try #require(server.boundAddresses.first)

        let good = try TLSContext(configuration: .client(
            trustRootsPath: certificates.file("ca.pem"), serverName: "localhost",
            certificateChainPath: certificates.file("client.pem"), privateKeyPath: certificates.file("client.key")),
            isServer: false)
        let client = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(tls: good, callerName: "claims-to-be-admin"))
        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "mtls")).text == "mtls")
        // The caller is who its certificate says, whatever name it sends.
        #expect(try await client.call(HardeningAPI.whoami, EchoMessage(text: "")).text == "client (clientCertificate)")

        let anonymous = try TLSContext(configuration: .client(
            trustRootsPath: certificates.file("ca.pem"), serverName: "localhost"), isServer: false)
        let noCertificate = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
            tls: anonymous, defaultTimeout: .seconds(2)))
        await #expect(throws: RPCError.self) { try await noCertificate.call(TestAPI.echo, EchoMessage(text: "x")) }

        let rogue = try TLSContext(configuration: .client(
            trustRootsPath: certificates.file("ca.pem"), serverName: "localhost",
            certificateChainPath: certificates.file("rogue.pem"), privateKeyPath: certificates.file("rogue.key")),
            isServer: false)
        let wrongCertificate = RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
            tls: rogue, defaultTimeout: .seconds(2)))
        await #expect(throws: RPCError.self) { try await wrongCertificate.call(TestAPI.echo, EchoMessage(text: "x")) }

        #expect(try await client.call(TestAPI.echo, EchoMessage(text: "still")).text == "still")
        await server.shutdownGracefully()
    }
}
