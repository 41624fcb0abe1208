import Foundation
import Wire

/// What a language model said for one agent's part of a reply, or why the built-in answer stands.
public struct ModelReply: Sendable, Equatable {
    /// The text to use: the model's answer, or the built-in one when the model failed or was refused.
    public var text: String
    /// `openai:<model>` when the model's answer is used, `builtin` otherwise.
    public var provider: String
    /// Why the built-in answer stands (the model's error, or the facts the grounding guard refused).
    public var fallbackReason: String?
}

/// Writes the sales and support parts of a reply with the company's language model, grounded:
///
/// - the system message is the agent's prompt (custom, company default or built-in, from ``PromptCatalog``)
///   rendered with the company's persona, services and the retrieved passages and configuration facts as
///   `{context}`, plus fixed rules (the patient's language, only these facts, say so when they do not
///   answer). The patient's words never go into it: `{question}` and `{chat_history}` point to the messages,
///   and the history and the question travel as `user` and `assistant` messages;
/// - the answer goes through the ``GroundingGuard`` against the passages, the configuration and the built-in
///   answer; any unsupported price, phone or date makes the built-in answer stand.
public struct ModelResponder: Sendable {
    let guardrail = GroundingGuard()

    public init() {}

    /// The configuration facts a reply may state: name, services, emergency contact, opening hours,
    /// treatments and their durations.
    static func companyFacts(_ company: Company) -> [String] {
        var facts = ["\(company.companyName): \(company.services)"]
        if let contact = company.emergency?.contact, !contact.isEmpty { facts.append("Urgencias / emergency line: \(contact)") }
        for (day, ranges) in (company.businessHours ?? [:]).sorted(by: { $0.key < $1.key }) { facts.append("\(day): \(ranges.joined(separator: ", "))") }
        for (treatment, minutes) in company.treatmentDurations.sorted(by: { $0.key < $1.key }) { facts.append("\(treatment): \(minutes) min") }
        return facts
    }

    /// The messages sent to the model.
    func messages(agent: AgentKind, question: String, history: [ConversationMessage], passages: [SearchHit], company: Company,
                  language: String) -> [ChatTurn] {
        let context = passages.prefix(4).enumerated().map { index, hit in
            "[\(index + 1)] \(hit.title)\(hit.heading.isEmpty ? "" : " — \(hit.heading)"):\n\(hit.content)"
        }.joined(separator: "\n\n") + "\n\n" + Self.companyFacts(company).joined(separator: "\n")
        let template = PromptCatalog.resolve(agent, for: company).template
        let rendered = PromptCatalog.render(template, values: [
            "company_name": company.companyName, "agent_name": company.salesAgentName, "services": company.services, "context": context,
            "chat_history": "(los mensajes anteriores de la conversación)", "question": "(el último mensaje del paciente)",
        ])
        let rules = language == "en"
            ? "Answer in English, briefly (at most 4 sentences). State only prices, phone numbers and dates that appear in the information above; if it does not answer the question, say so and offer a person from the team."
            : "Responde en español, en pocas frases (4 como máximo). Menciona solo precios, teléfonos y fechas que aparezcan en la información de arriba; si no responde a la pregunta, dilo y ofrece una persona del equipo."
        var turns: [ChatTurn] = [.system(rendered + "\n\n" + rules)]
        for message in history.suffix(6) {
            turns.append(message.role == .assistant ? .assistant(message.text) : .user(message.text))
        }
        turns.append(.user(question))
        return turns
    }

    /// The model's answer for `agent`, or `builtIn` with the reason.
    public func reply(agent: AgentKind, question: String, history: [ConversationMessage], passages: [SearchHit], builtIn: String,
                      company: Company, language: String, model: ConfiguredLanguageModel) async -> ModelReply {
        let request = CompletionRequest(messages: messages(agent: agent, question: question, history: history, passages: passages, company: company,
                                                           language: language),
                                        temperature: model.temperature, maximumTokens: 200)
        let completion: Completion
        do throws(LanguageModelError) {
            completion = try await model.model.complete(request)
        } catch {
            return ModelReply(text: builtIn, provider: "builtin", fallbackReason: "\(model.model.identifier) failed: \(error)")
        }
        let grounding = passages.map { $0.title + " " + $0.heading + "\n" + $0.content } + Self.companyFacts(company) + [builtIn]
        let unsupported = guardrail.ungroundedFacts(in: completion.text, grounding: grounding)
        guard unsupported.isEmpty else {
            return ModelReply(text: builtIn, provider: "builtin",
                              fallbackReason: "grounding guard: \(model.model.identifier) stated \(unsupported.prefix(3).joined(separator: ", ")), not in its sources")
        }
        return ModelReply(text: completion.text, provider: model.model.identifier, fallbackReason: nil)
    }
}
