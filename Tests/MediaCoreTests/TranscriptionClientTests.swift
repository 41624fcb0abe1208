import Foundation
import HTTPClient
import HTTPServerCore
import NetworkCore
import Synchronization
import Testing
import TestSupport
@testable import MediaCore

/// A local server speaking OpenAI's `POST /v1/audio/transcriptions`: it reads the multipart body with the
/// project's parser, records the fields, and answers by model name: `whisper-1` transcribes (its text names
/// what it received), `flaky` fails twice with 500 first, `busy` always throttles, `slow` takes 10 s, `broken`
/// answers 200 without text; a wrong key gets OpenAI's 401 envelope.
final class FakeTranscriptionServer: HTTPResponder, Sendable {
    struct Received: Sendable {
        var fields: [String: String]
        var fileName: String?
        var fileType: String?
        var fileBytes: Int
    }

    let received = Mutex<[Received]>([])
    let flakyCalls = Atomic<Int>(0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 30 << 20 }

    func respond(to request: HTTPRequest, connection: HTTPConnectionInfo) async -> HTTPResponse {
        guard request.path == "/v1/audio/transcriptions", request.method == "POST" else { return .json(404, Array(#"{"error":{"message":"not found"}}"#.utf8)) }
        guard request.headers["Authorization"] == "Bearer sk-test" else {
            return .json(401, Array(#"{"error":{"message":"Incorrect API key provided: sk-wr***","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#.utf8))
        }
        guard let boundary = request.headers["Content-Type"].flatMap(MultipartParser.boundary(fromContentType:)) else {
            return .json(400, Array(#"{"error":{"message":"expected multipart/form-data"}}"#.utf8))
        }
        var parser = MultipartParser(boundary: boundary, maximumPartSize: 30 << 20)
        guard let parts = try? parser.feed(request.body), parser.isComplete else {
            return .json(400, Array(#"{"error":{"message":"malformed multipart body"}}"#.utf8))
        }
        var fields: [String: String] = [:]
        var file: MultipartParser.Part?
        for part in parts {
            if part.name == "file" { file = part } else { fields[part.name] = String(decoding: part.body, as: UTF8.self) }
        }
        received.withLock { $0.append(Received(fields: fields, fileName: file?.filename, fileType: file?.contentType, fileBytes: file?.body.count ?? 0)) }
        guard let file, !file.body.isEmpty else { return .json(400, Array(#"{"error":{"message":"file is required"}}"#.utf8)) }
        switch fields["model"] {
        case "flaky" where flakyCalls.add(1, ordering: .relaxed).oldValue < 2:
            return .json(500, Array(#"{"error":{"message":"The server had an error while processing your request."}}"#.utf8))
        case "busy":
            return .json(429, Array(#"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#.utf8))
        case "slow":
            try? await Task.sleep(for: .seconds(10))
        case "broken":
            return .json(200, Array(#"{"segments":[]}"#.utf8))
        default: break
        }
        let text = "Transcribed \(file.filename ?? "?") (\(file.contentType ?? "?")) in \(fields["language"] ?? "auto") with \(fields["prompt"] ?? "no prompt")"
        return .json(200, JSONValue.object(["text": .string(" " + text + " ")]).serialized())
    }
}

@Suite(.serialized) struct TranscriptionClientTests {
    func withServer(_ body: (String, FakeTranscriptionServer, HTTPClient) async throws -> Void) async throws {
        let server = FakeTranscriptionServer()
        try await withLocalHTTPServer(server) { base, client in try await body(base + "/v1", server, client) }
    }

    func transcribe(_ client: TranscriptionClient, _ audio: [UInt8]) async -> Result<String, TranscriptionClient.Failure> {
        guard let info = try? MediaInspector.inspect(audio, expecting: .audio) else {
            return .failure(TranscriptionClient.Failure(kind: .rejected, message: "the test's audio did not pass the inspector"))
        }
        do throws(TranscriptionClient.Failure) {
            return .success(try await client.transcribe(audio, info: info))
        } catch {
            return .failure(error)
        }
    }

    @Test func theMultipartRequest_CarriesTheFileTypedFromItsBytes_AndTheCompanysFields() async throws {
        try await withServer { base, server, http in
            let client = TranscriptionClient(settings: .init(baseURL: base, model: "whisper-1", apiKey: "sk-test", language: "es",
                                                             prompt: "botox, ácido hialurónico, Benova"), client: http)
            let opus = MediaSamples.opus(seconds: 2)
            let text = try await transcribe(client, opus).get()
            #expect(text == "Transcribed audio.ogg (audio/ogg; codecs=opus) in es with botox, ácido hialurónico, Benova", "trimmed: \(text)")
            let request = try #require(server.received.withLock { $0.last })
            #expect(request.fields["model"] == "whisper-1" && request.fields["response_format"] == "json" && request.fileBytes == opus.count)
            let wav = try await transcribe(client, MediaSamples.wav(seconds: 1)).get()
            #expect(wav.contains("audio.wav (audio/wav)"))
        }
    }

    @Test func failures_AreTyped_RetriedWhenTransient_AndNeverATranscript() async throws {
        try await withServer { base, server, http in
            func client(_ model: String, key: String = "sk-test", timeout: Duration = .seconds(20)) -> TranscriptionClient {
                TranscriptionClient(settings: .init(baseURL: base, model: model, apiKey: key, timeout: timeout), client: http)
            }
            let audio = MediaSamples.wav(seconds: 1)
            let flaky = try await transcribe(client("flaky"), audio).get()
            #expect(flaky.hasPrefix("Transcribed"), "two 500s, then an answer")
            #expect(server.flakyCalls.load(ordering: .relaxed) == 3)
            guard case .failure(let unauthorized) = await transcribe(client("whisper-1", key: "sk-wrong"), audio) else { Issue.record("no failure"); return }
            #expect(unauthorized.kind == .unauthorized && unauthorized.message.contains("Incorrect API key") && !unauthorized.isTransient)
            guard case .failure(let busy) = await transcribe(client("busy"), audio) else { Issue.record("no failure"); return }
            #expect(busy.kind == .rateLimited && busy.isTransient)
            guard case .failure(let broken) = await transcribe(client("broken"), audio) else { Issue.record("no failure"); return }
            #expect(broken.kind == .malformedAnswer)
            let start = ContinuousClock.now
            guard case .failure(let slow) = await transcribe(client("slow", timeout: .seconds(1)), audio) else { Issue.record("no failure"); return }
            #expect(slow.kind == .unavailable && slow.isTransient && ContinuousClock.now - start < .seconds(8), "\(slow)")
        }
    }
}
