import Testing
@testable import NetworkCore

@Suite struct SocketAddressTests {
    @Test func parsesEveryForm() throws {
        #expect(try SocketAddress(parsing: "unix:/run/x.sock") == .unix(path: "/run/x.sock"))
        #expect(try SocketAddress(parsing: "unix:rel.sock") == .unix(path: "rel.sock"))
        #expect(try SocketAddress(parsing: "tcp://rag:7003") == .tcp(host: "rag", port: 7003))
        #expect(try SocketAddress(parsing: "127.0.0.1:80") == .tcp(host: "127.0.0.1", port: 80))
        #expect(try SocketAddress(parsing: "tcp://[::1]:9") == .tcp(host: "::1", port: 9))
        #expect(SocketAddress.tcp(host: "::1", port: 9).description == "tcp://[::1]:9")
    }

    @Test func rejectsMalformedAddresses() {
        for text in ["", "unix:", "tcp://host", "tcp://:80", "host:99999", "host:-1", "tcp://[::1]9",
                     "unix:/" + String(repeating: "a", count: 200)] {
            #expect(throws: NetworkError.self, "\(text)") { try SocketAddress(parsing: text) }
        }
    }
}
