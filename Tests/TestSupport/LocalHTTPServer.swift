import HTTPClient
import HTTPServerCore
import NetworkCore
import Testing

/// Runs `body` against a real HTTP server on a free loopback port answering with `responder` (a fake that
/// speaks some external API), with an HTTP client for it; the server stops afterwards.
public func withLocalHTTPServer<Responder: HTTPResponder>(
    _ responder: Responder, _ body: (_ base: String, _ client: HTTPClient) async throws -> Void
) async throws {
    let server = HTTPServer(configuration: HTTPServerConfiguration(plainAddresses: [.tcp(host: "127.0.0.1", port: 0)]), responder: responder)
    try await server.start()
    guard case .tcp(_, let port)? = server.boundAddresses.plain.first else {
        Issue.record("the local server did not bind")
        return
    }
    let client = try HTTPClient()
    defer { client.shutdown() }
    try await body("http://127.0.0.1:\(port)", client)
    await server.shutdownGracefully()
}
