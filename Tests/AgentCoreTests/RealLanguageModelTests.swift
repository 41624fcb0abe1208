import AppointmentsCore
import Foundation
import HTTPClient
import ServiceLogging
import Testing
import TenantStorage
import Wire
@testable import AgentCore

/// The chat-completions client, the router's JSON mode and the grounding guard against a real model server:
/// llama.cpp's OpenAI-compatible server running SmolLM2-135M (`TEST_CHAT_URL`, started by scripts/test.sh).
/// That model's answers are poor, so these tests check the protocol, the limits and the guard, never the
/// content.
@Suite(.serialized) struct RealLanguageModelTests {
    func server() throws -> String {
        try #require(ProcessInfo.processInfo.environment["TEST_CHAT_URL"].flatMap { $0.isEmpty ? nil : $0 },
                     "TEST_CHAT_URL is not set: run the tests with scripts/test.sh, which starts llama.cpp's server")
    }

    func withModel(timeout: Duration = .seconds(60), _ body: (OpenAIChatModel) async throws -> Void) async throws {
        let base = try server()
        let client = try HTTPClient()
        defer { client.shutdown() }
        try await body(OpenAIChatModel(settings: .init(baseURL: base, model: "smollm2-135m", timeout: timeout), client: client))
    }

    @Test func aCompletion_HasTextUsageAndAFinishReason() async throws {
        try await withModel { model in
            let completion = try await model.complete(CompletionRequest(messages: [.system("You are a helpful assistant."), .user("Say hello.")],
                                                                        temperature: 0, maximumTokens: 24))
            #expect(!completion.text.isEmpty && completion.model == "smollm2-135m")
            #expect((completion.promptTokens ?? 0) > 5 && (1...24).contains(completion.completionTokens ?? 0))
            #expect(["stop", "length"].contains(completion.finishReason ?? ""))
        }
    }

    @Test func jsonMode_GivesJSON_AndTheRouterFallsBackWhenItIsNotAnIntentsAnswer() async throws {
        try await withModel { model in
            let raw = try await model.complete(CompletionRequest(messages: [.system(ModelIntentClassifier.systemPrompt(companyName: "Benova")),
                                                                            .user("¿Cuánto cuesta el botox?")],
                                                                 temperature: 0, maximumTokens: 80, jsonObject: true))
            #expect(raw.text.hasPrefix("{"), "the server's JSON grammar: \(raw.text.prefix(80))")
            if raw.finishReason == "stop" {
                #expect((try? JSONSerialization.jsonObject(with: Data(raw.text.utf8))) != nil, "a finished JSON-mode answer parses")
            }
            // Whatever this small model says, the classifier either returns valid intents or a typed reason.
            switch await ModelIntentClassifier().classify("¿Cuánto cuesta el botox?", context: [], companyName: "Benova", model: model) {
            case .success(let intents): #expect(!intents.isEmpty && !intents.contains { $0.intent == .emergency })
            case .failure(let error): #expect(error.kind == .malformedAnswer, "\(error)")
            }
        }
    }

    @Test func aTooLongConversation_IsRefused_WithTheServersMessage() async throws {
        try await withModel { model in
            let long = String(repeating: "palabra ", count: 3_000)
            await #expect { try await model.complete(CompletionRequest(messages: [.user(long)], temperature: 0)) } throws: { error in
                guard let error = error as? LanguageModelError else { return false }
                return error.kind == .refused && error.status == 400 && error.message.contains("context length")
            }
        }
    }

    @Test func theTimeLimit_EndsALongGeneration_AndTheServerStillAnswers() async throws {
        try await withModel(timeout: .milliseconds(150)) { model in
            let started = ContinuousClock.now
            await #expect {
                try await model.complete(CompletionRequest(messages: [.user("Write a long story about a clinic.")], temperature: 0.7, maximumTokens: 160))
            } throws: { ($0 as? LanguageModelError)?.kind == .timeout }
            #expect(ContinuousClock.now - started < .seconds(2))
        }
        try await withModel { model in
            let completion = try await model.complete(CompletionRequest(messages: [.user("Say yes.")], temperature: 0, maximumTokens: 8))
            #expect(!completion.text.isEmpty)
        }
    }

    struct Passages: KnowledgeSearch {
        func search(_ query: String, company: CompanyID, k: Int) async -> [SearchHit]? {
            [SearchHit(documentID: "precios", title: "Precios", chunkIndex: 0, heading: "Botox",
                       content: "El botox cuesta 350 € por zona.\nLa promoción de botox es válida hasta el 15 de diciembre.", score: 0.9, metadataJSON: "{}")]
        }
    }

    struct RealModel: LanguageModelResolver {
        var model: OpenAIChatModel
        func languageModel(for company: Company) async -> ConfiguredLanguageModel? { ConfiguredLanguageModel(model: model, temperature: 0.8) }
    }

    @Test func everyAnswerThroughTheEngine_StatesOnlyGroundedFacts() async throws {
        try await withModel { model in
            let directory = NSTemporaryDirectory() + "real-model-\(UUID().uuidString.prefix(8))"
            let engine = ConversationEngine(memory: try await SQLiteConversationStore(path: directory + "/memory.sqlite3"), knowledge: Passages(),
                                            appointments: AppointmentBook(store: try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3")),
                                            languageModels: RealModel(model: model), logger: Logger(component: "agent-test"))
            let json = #"{"company_id":"benova","company_name":"Benova","sales_agent_name":"María","treatment_durations":{"botox":30}}"#
            let company = try JSONDecoder().decode(Company.self, from: Data(json.utf8))
            let scope = try TenantScope(company: company)
            let grounding = ["El botox cuesta 350 € por zona. La promoción de botox es válida hasta el 15 de diciembre."] + ModelResponder.companyFacts(company)
            var providers: Set<String> = []
            for (index, question) in ["¿Cuánto cuesta el botox y hasta cuándo es la promoción?", "How much is botox?"].enumerated() {
                let answer = try await engine.handle(ChatRequest(companyID: company.id, userID: "real-\(index)", message: question), company: company, scope: scope)
                providers.insert(answer.provider)
                #expect(GroundingGuard().ungroundedFacts(in: answer.reply, grounding: grounding).isEmpty,
                        "\(answer.provider): \(answer.reply)")
                #expect(answer.provider == "openai:smollm2-135m" || answer.providerNotes?.isEmpty == false, "a built-in answer says why")
            }
            #expect(providers.isSubset(of: ["openai:smollm2-135m", "builtin", "mixed"]))
        }
    }
}
