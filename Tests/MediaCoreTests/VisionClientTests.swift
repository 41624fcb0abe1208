import Foundation
import HTTPClient
import HTTPServerCore
import Synchronization
import Testing
import TestSupport
@testable import MediaCore

/// A local server speaking OpenAI's `POST /v1/chat/completions` for vision: it checks the request's shape (system
/// message with the instructions, user content parts with the question and a `data:` URL whose type and base64
/// payload match the image sent) and answers by model: `vision` describes what it received, `flaky` fails twice
/// with 503, `busy` throttles, `empty` answers without content; a wrong key gets OpenAI's 401 envelope.
final class FakeVisionServer: HTTPResponder, Sendable {
    let received = Mutex<[JSONValue]>([])
    let flakyCalls = Atomic<Int>(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 20 << 20 }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        guard request.path == "/v1/chat/completions", request.method == "POST" else { return .json(404, Array(#"{"error":{"message":"not found"}}"#.utf8)) }
        guard request.headers["Authorization"] == "Bearer sk-vision" else {
            return .json(401, Array(#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#.utf8))
        }
        guard let body = try? JSONParser.parse(request.body) else { return .json(400, Array(#"{"error":{"message":"We could not parse the JSON body"}}"#.utf8)) }
        received.withLock { $0.append(body) }
        guard case .array(let messages)? = body["messages"], messages.count == 2, messages[0]["role"]?.stringValue == "system",
              case .array(let parts)? = messages[1]["content"], let url = parts.last?["image_url"]?["url"]?.stringValue else {
            return .json(400, Array(#"{"error":{"message":"Invalid content type. image_url is only supported by certain models."}}"#.utf8))
        }
        switch body["model"]?.stringValue {
        case "flaky" where flakyCalls.add(1, ordering: .relaxed).oldValue < 2:
            return .json(503, Array(#"{"error":{"message":"The engine is currently overloaded, please try again later"}}"#.utf8))
        case "busy":
            return .json(429, Array(#"{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}"#.utf8))
        case "empty":
            return .json(200, Array(#"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}"#.utf8))
        default: break
        }
        let type = url.hasPrefix("data:") ? String(url.dropFirst(5).prefix { $0 != ";" }) : "?"
        let bytes = url.split(separator: ",").last.flatMap { Data(base64Encoded: String($0)) }?.count ?? -1
        let question = parts.first?["text"]?.stringValue ?? "?"
        let answer = "Una imagen \(type) de \(bytes) bytes; pregunta: \(question)"
        return .json(200, JSONValue.object(["id": .string("chatcmpl-1"), "object": .string("chat.completion"), "choices": .array([
            .object(["index": .number(0), "message": .object(["role": .string("assistant"), "content": .string(answer)]), "finish_reason": .string("stop")]),
        ])]).serialized())
    }
}

@Suite(.serialized) struct VisionClientTests {
    static let image = MediaSamples.png(width: 64, height: 32)

    func describe(_ base: String, _ http: HTTPClient, model: String, key: String = "sk-vision", question: String? = "¿Qué precio tiene?",
                  language: String = "es") async throws -> Result<String, ProviderFailure> {
        let client = VisionClient(settings: .init(baseURL: base + "/v1", model: model, apiKey: key, language: language, timeout: .seconds(10)), client: http)
        let info = try MediaInspector.inspect(Self.image, expecting: .image)
        do throws(ProviderFailure) {
            return .success(try await client.describe(Self.image, info: info, question: question))
        } catch {
            return .failure(error)
        }
    }

    @Test func theImageTravelsAsADataURLOfItsRealType_WithTheQuestionOnlyInTheUserMessage() async throws {
        let server = FakeVisionServer()
        try await withLocalHTTPServer(server) { base, http in
            let answer = try await describe(base, http, model: "vision")
            #expect(try answer.get() == "Una imagen image/png de \(Self.image.count) bytes; pregunta: ¿Qué precio tiene?")
            let request = try #require(server.received.withLock { $0.first })
            #expect(request["temperature"] == .number(0))
            guard case .array(let messages)? = request["messages"] else { Issue.record("no messages"); return }
            let system = messages[0]["content"]?.stringValue ?? ""
            #expect(system.contains("clínica estética") && !system.contains("precio tiene"), "the patient's words stay out of the instructions")
            // English instructions for an English clinic; without a question the model is asked to describe.
            _ = try await describe(base, http, model: "vision", question: nil, language: "en")
            let second = try #require(server.received.withLock { $0.last })
            guard case .array(let english)? = second["messages"], case .array(let parts)? = english[1]["content"] else { Issue.record("shape"); return }
            #expect(english[0]["content"]?.stringValue?.hasPrefix("You describe images") == true)
            #expect(parts.first?["text"]?.stringValue == "Describe this image.")
        }
    }

    @Test func failures_AreTypedAndRetriedOnlyWhenTheyMayPass() async throws {
        let server = FakeVisionServer()
        try await withLocalHTTPServer(server) { base, http in
            #expect(try await describe(base, http, model: "flaky").get().hasPrefix("Una imagen image/png"), "two 503s then an answer")
            let busy = try await describe(base, http, model: "busy")
            #expect((try? busy.get()) == nil)
            if case .failure(let failure) = busy { #expect(failure.kind == .rateLimited && failure.isTransient && failure.message.contains("Rate limit")) }
            let unauthorised = try await describe(base, http, model: "vision", key: "sk-wrong")
            if case .failure(let failure) = unauthorised { #expect(failure.kind == .unauthorized && !failure.isTransient) } else { Issue.record("accepted a wrong key") }
            let empty = try await describe(base, http, model: "empty")
            if case .failure(let failure) = empty { #expect(failure.kind == .malformedAnswer) } else { Issue.record("an empty answer was taken") }
        }
        let closed = try await describe("http://127.0.0.1:9", try HTTPClient(name: "vision-test"), model: "vision")
        if case .failure(let failure) = closed { #expect(failure.kind == .unavailable && failure.isTransient) } else { Issue.record("no server answered") }
    }
}
