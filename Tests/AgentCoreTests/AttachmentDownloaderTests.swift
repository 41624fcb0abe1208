import Foundation
import HTTPClient
import HTTPServerCore
import NetworkCore
import ServiceLogging
import Synchronization
import Testing
import TestSupport
@testable import AgentCore

/// A stand-in Chatwoot for attachments: ActiveStorage's redirect to the file on the same host, a redirect
/// elsewhere, an endless body; it counts the requests it gets.
final class AttachmentHost: HTTPResponder, Sendable {
    let requests = Atomic<Int>(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 10 }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        requests.add(1, ordering: .relaxed)
        switch request.path {
        case "/rails/active_storage/blobs/redirect/abc/voz.ogg":
            return HTTPResponse(status: 302, headers: ["Location": "/rails/active_storage/disk/abc/voz.ogg"])
        case "/rails/active_storage/disk/abc/voz.ogg":
            return HTTPResponse(status: 200, headers: ["Content-Type": "audio/ogg"], body: Array("OggS-bytes".utf8))
        case "/away":
            return HTTPResponse(status: 302, headers: ["Location": "http://169.254.169.254/latest/meta-data/"])
        case "/endless":
            return HTTPResponse(status: 200, body: [UInt8](repeating: 0x41, count: 3 << 20))
        default:
            return HTTPResponse(status: 404)
        }
    }
}

struct AttachmentDownloaderTests {
    @Test func onlyTheCompanysChatwoot_IsFetched_AndEverythingElseIsRefusedBeforeAnyRequest() async throws {
        let host = AttachmentHost()
        try await withLocalHTTPServer(host) { base, client in
            let downloader = AttachmentDownloader(client: client, timeout: .seconds(5), logger: Logger(component: "attachments-test"))
            func fetch(_ url: String, limit: Int = 1 << 20) async -> Result<[UInt8], AttachmentDownloader.Refusal> {
                do throws(AttachmentDownloader.Refusal) {
                    return .success(try await downloader.download(url, chatwootBaseURL: base, maximumBytes: limit, company: "benova"))
                } catch {
                    return .failure(error)
                }
            }
            // The real thing: ActiveStorage's redirect to the file, on the same origin.
            let file = await fetch(base + "/rails/active_storage/blobs/redirect/abc/voz.ogg")
            #expect((try? file.get()) == Array("OggS-bytes".utf8), "\(file)")
            let served = host.requests.load(ordering: .relaxed)
            #expect(served == 2)

            let port = try #require(Origin(url: base)?.port)
            for url in ["http://127.0.0.1:6379/", "http://169.254.169.254/latest/meta-data/", "http://example.com/file.jpg",
                        "file:///etc/passwd", "gopher://127.0.0.1:70/_INFO", "https://127.0.0.1:\(port)/rails/x", "http://localhost:\(port)/rails/x",
                        "http://127.0.0.1.nip.io:\(port)/x", "http://[::1]:\(port)/x", "http://user:pw@127.0.0.1:\(port)/x"] {
                let refused = await fetch(url)
                guard case .failure(let refusal) = refused else {
                    Issue.record("\(url) was fetched")
                    continue
                }
                #expect(refusal.kind == .destinationNotAllowed, "\(url): \(refusal)")
            }
            #expect(host.requests.load(ordering: .relaxed) == served, "no refused URL reached any server")
            // A redirect off the origin is refused at the redirect (the first hop is Chatwoot's own).
            let away = await fetch(base + "/away")
            #expect(away.failureKind == .destinationNotAllowed)
            // An endless body is cut at the limit.
            let endless = await fetch(base + "/endless", limit: 1 << 20)
            #expect(endless.failureKind == .tooLarge)
            // No configured Chatwoot: nothing is fetched.
            let unconfigured: AttachmentDownloader.Refusal.Kind?
            do throws(AttachmentDownloader.Refusal) {
                _ = try await downloader.download(base + "/rails/x", chatwootBaseURL: nil, maximumBytes: 10, company: "benova")
                unconfigured = nil
            } catch {
                unconfigured = error.kind
            }
            #expect(unconfigured == .notConfigured)
        }
    }
}

extension Result where Failure == AttachmentDownloader.Refusal {
    var failureKind: AttachmentDownloader.Refusal.Kind? {
        if case .failure(let refusal) = self { return refusal.kind }
        return nil
    }
}
