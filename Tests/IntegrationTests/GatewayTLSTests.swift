import Foundation
import Testing

extension IntegrationSuite {
    /// HTTPS on the real gateway: curl over TLS, TLS 1.1 refused, certificate reload on SIGHUP.
    @Suite(.serialized) struct GatewayTLSTests {
        private func makeCertificate(in directory: String, name: String, commonName: String) throws {
            let script = """
            set -e
            cd '\(directory)'
            [ -f ca.pem ] || openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Gateway Test CA' -keyout ca.key -out ca.pem 2>/dev/null
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext
            openssl req -newkey rsa:2048 -nodes -subj '/CN=\(commonName)' -keyout \(name).key -out \(name).csr 2>/dev/null
            openssl x509 -req -in \(name).csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out \(name).pem 2>/dev/null
            """
            let result = try runCommand("/bin/sh", ["-c", script])
            #expect(result.status == 0)
        }

        private func servedCommonName(port: Int, directory: String) throws -> String {
            let result = try runCommand("/bin/sh", ["-c",
                "openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile '\(directory)/ca.pem' </dev/null 2>/dev/null | openssl x509 -noout -subject"])
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @Test func https_Works_RefusesTLS11_AndReloadsTheCertificateOnSIGHUP() async throws {
            let fixture = GatewayFixture(tls: true)
            defer { fixture.stop() }
            try makeCertificate(in: fixture.directory, name: "server", commonName: "gateway-one")
            try await fixture.start(environment: [
                "GATEWAY_TLS_CERT": "\(fixture.directory)/server.pem", "GATEWAY_TLS_KEY": "\(fixture.directory)/server.key",
            ])
            let port = try #require(fixture.httpsPort)
            let url = "https://localhost:\(port)/api/companies/benova"
            let curl = try runCommand("/usr/bin/curl", ["-s", "--cacert", "\(fixture.directory)/ca.pem", "--resolve",
                                                        "localhost:\(port):127.0.0.1", "-H", "X-API-Key: \(fixture.adminKey)", "-w", "\n%{http_code} %{ssl_verify_result} %{http_version}", url])
            #expect(curl.status == 0)
            #expect(curl.output.hasSuffix("200 0 1.1"))
            #expect(curl.output.contains(#""company_id":"benova""#))
            // Keep-alive over TLS: two requests on one connection.
            let twice = try runCommand("/usr/bin/curl", ["-s", "--cacert", "\(fixture.directory)/ca.pem", "--resolve",
                                                         "localhost:\(port):127.0.0.1", "-H", "X-API-Key: \(fixture.adminKey)",
                                                         "-o", "/dev/null", "-o", "/dev/null",
                                                         "-w", "%{num_connects} ", url, url])
            #expect(twice.output == "1 0 ")
            // Plain HTTP keeps working next to it.
            #expect(fixture.request("GET", "/livez")?.status == 200)

            // TLS 1.1 (and older) is refused; TLS 1.2 and 1.3 are accepted.
            let old = try runCommand("/usr/bin/curl", ["-s", "-k", "--tlsv1.1", "--tls-max", "1.1", "https://127.0.0.1:\(port)/livez"])
            #expect(old.status != 0)
            for version in ["1.2", "1.3"] {
                let modern = try runCommand("/usr/bin/curl", ["-s", "-k", "--tlsv\(version)", "--tls-max", version, "-o", "/dev/null",
                                                              "-w", "%{http_code}", "https://127.0.0.1:\(port)/livez"])
                #expect(modern.output == "200", "TLS \(version)")
            }

            // SIGHUP: a new certificate is served to new connections; the gateway keeps running.
            #expect(try servedCommonName(port: port, directory: fixture.directory).contains("gateway-one"))
            try makeCertificate(in: fixture.directory, name: "server", commonName: "gateway-two")
            let gateway = try #require(fixture.gateway)
            kill(gateway.processIdentifier, SIGHUP)
            var reloaded = false
            for _ in 0..<50 where !reloaded {
                try await Task.sleep(for: .milliseconds(100))
                reloaded = try servedCommonName(port: port, directory: fixture.directory).contains("gateway-two")
            }
            #expect(reloaded)
            #expect(gateway.isRunning)
            let after = try runCommand("/usr/bin/curl", ["-s", "--cacert", "\(fixture.directory)/ca.pem", "--resolve",
                                                         "localhost:\(port):127.0.0.1", "-H", "X-API-Key: \(fixture.adminKey)",
                                                         "-o", "/dev/null", "-w", "%{http_code}", url])
            #expect(after.output == "200")
        }
    }
}
