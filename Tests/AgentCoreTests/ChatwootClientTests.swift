import Foundation
import HTTPClient
import HTTPServerCore
import NetworkCore
import Synchronization
import Testing
import TestSupport
@testable import AgentCore

/// A local server that speaks Chatwoot's Application API for the calls the bot makes, records each one, and
/// fails like Chatwoot does when asked: account `429` throttles twice (rack-attack's `429 Retry later`, no
/// Retry-After), `500` fails every time, `401` refuses the token, `slow` answers after 8 s.
final class FakeChatwoot: HTTPResponder, Sendable {
    struct Call: Sendable, Equatable {
        var path: String
        var token: String?
        var body: String
    }

    let calls = Mutex<[Call]>([])
    let throttled = Atomic<Int>(0)
    let nextID = Atomic<Int>(800)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        let call = Call(path: request.path, token: request.headers["Api-Access-Token"], body: String(decoding: request.body, as: UTF8.self))
        calls.withLock { $0.append(call) }
        let parts = request.path.split(separator: "/").map(String.init)  // api v1 accounts {id} conversations {n} {action}
        guard parts.count >= 7, parts[0] == "api", parts[2] == "accounts", request.method == "POST" else {
            return .json(404, Array(#"{"error":"Resource could not be found"}"#.utf8))
        }
        guard call.token == "bot-token" else { return .json(401, Array(#"{"error":"Invalid Access Token"}"#.utf8)) }
        switch parts[3] {
        case "429" where throttled.add(1, ordering: .relaxed).oldValue < 2:
            return HTTPResponse(status: 429, headers: ["Content-Type": "text/plain"], body: Array("Retry later\n".utf8))
        case "500": return .json(500, Array(#"{"error":"Internal Server Error"}"#.utf8))
        case "slow":
            try? await Task.sleep(for: .seconds(8))
        default: break
        }
        switch parts.last {
        case "messages":
            let id = nextID.add(1, ordering: .relaxed).newValue
            return .json(200, Array(#"{"id":\#(id),"content":"…","message_type":1,"private":false,"sender":{"type":"agent_bot"}}"#.utf8))
        case "toggle_status":
            return .json(200, Array(#"{"meta":{},"payload":{"success":true,"conversation_id":\#(parts[5]),"current_status":"open"}}"#.utf8))
        default:
            return .json(200, Array(#"{"payload":[]}"#.utf8))
        }
    }
}

@Suite(.serialized) struct ChatwootClientTests {
    func withChatwoot(_ body: (String, FakeChatwoot, ChatwootClient) async throws -> Void) async throws {
        let fake = FakeChatwoot()
        try await withLocalHTTPServer(fake) { base, http in
            // 3 s: generous for a loaded machine, well under the slow account's 8 s.
            try await body(base, fake, ChatwootClient(client: http, timeout: .seconds(3), initialBackoff: .milliseconds(50)))
        }
    }

    @Test func theBotsCalls_HaveChatwootsPathsBodiesAndTokenHeader() async throws {
        try await withChatwoot { base, fake, chatwoot in
            let account = ChatwootAccount(baseURL: base + "/", accountID: "7", token: "bot-token")
            let id = try await chatwoot.createMessage("Hola, soy María", conversation: 150, on: account)
            try await chatwoot.createMessage("Resumen: posible urgencia", conversation: 150, isPrivate: true, on: account)
            try await chatwoot.setStatus("open", conversation: 150, on: account)
            try await chatwoot.setPriority("urgent", conversation: 150, on: account)
            try await chatwoot.addLabels(["emergencia"], conversation: 150, on: account)
            #expect(id == 801)
            let calls = fake.calls.withLock { $0 }
            #expect(calls.map(\.path) == ["/api/v1/accounts/7/conversations/150/messages", "/api/v1/accounts/7/conversations/150/messages",
                                          "/api/v1/accounts/7/conversations/150/toggle_status", "/api/v1/accounts/7/conversations/150/toggle_priority",
                                          "/api/v1/accounts/7/conversations/150/labels"])
            #expect(calls.allSatisfy { $0.token == "bot-token" })
            let bodies = calls.compactMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
            #expect(bodies[0]["content"] as? String == "Hola, soy María" && bodies[0]["private"] as? Bool == false && bodies[0]["message_type"] as? String == "outgoing")
            #expect(bodies[1]["private"] as? Bool == true && bodies[2]["status"] as? String == "open" && bodies[3]["priority"] as? String == "urgent")
            #expect(bodies[4]["labels"] as? [String] == ["emergencia"])
        }
    }

    @Test func throttling_IsRetriedWithBackoff_AndFailuresAreTypedWithoutTheToken() async throws {
        try await withChatwoot { base, fake, chatwoot in
            let throttled = ChatwootAccount(baseURL: base, accountID: "429", token: "bot-token")
            let delivered = try await chatwoot.createMessage("hola", conversation: 1, on: throttled)
            #expect(delivered != nil)
            #expect(fake.calls.withLock { $0.count } == 3, "two 429s, then the message")
            let cases: [(ChatwootAccount, ChatwootError.Kind, Bool)] = [
                (ChatwootAccount(baseURL: base, accountID: "500", token: "bot-token"), .serverError, true),
                (ChatwootAccount(baseURL: base, accountID: "7", token: "wrong-secret-token"), .unauthorized, false),
                (ChatwootAccount(baseURL: base, accountID: "slow", token: "bot-token"), .unreachable, true),
                (ChatwootAccount(baseURL: "", accountID: "7", token: "bot-token"), .notConfigured, false),
            ]
            for (account, kind, transient) in cases {
                await #expect { try await chatwoot.setStatus("open", conversation: 2, on: account) } throws: { error in
                    guard let error = error as? ChatwootError else { return false }
                    return error.kind == kind && error.isTransient == transient && !error.message.contains("wrong-secret-token")
                }
            }
            let slowCalls = fake.calls.withLock { $0.filter { $0.path.contains("/slow/") }.count }
            #expect(slowCalls == 1, "a timeout is not retried: the call may have reached Chatwoot")
        }
    }

    @Test func longReplies_AreSplitAtSentenceEnds() {
        let sentence = "El tratamiento con toxina botulínica cuesta 220 € por zona y dura unos cuatro meses. "
        let text = String(repeating: sentence, count: 30)
        let parts = ChatwootClient.parts(of: text)
        #expect(parts.count > 1 && parts.allSatisfy { $0.count <= ChatwootClient.maximumMessageLength && $0.hasSuffix("meses.") })
        #expect(parts.joined(separator: " ") == text.trimmingCharacters(in: .whitespaces))
        #expect(ChatwootClient.parts(of: "hola") == ["hola"] && ChatwootClient.parts(of: "   ").isEmpty)
        let unbroken = String(repeating: "a", count: 2_500)
        #expect(ChatwootClient.parts(of: unbroken).map(\.count) == [1_000, 1_000, 500])
    }
}
