import Foundation
import Wire

/// Asks a company's language model to classify a message, for companies whose `providers.llm.routing` is on.
///
/// The request is JSON mode (`response_format: json_object`) at temperature 0; the system message holds only
/// fixed instructions and the company's name, and the patient's words go in `user` messages (the last two
/// turns before it, then the message). The answer must be `{"intents": [{"intent": …, "confidence": …}]}`
/// (a bare `{"intent": …}` is accepted) with known non-emergency intents and confidences in 0…1; anything
/// else, an error or the time limit makes the caller keep the built-in classification. Emergencies are never
/// the model's call: the deterministic detector decides them before the model is asked.
public struct ModelIntentClassifier: Sendable {
    public init() {}

    static func systemPrompt(companyName: String) -> String {
        """
        You classify messages that patients send to \(companyName), an aesthetic clinic. Intents: \
        "sales" (treatments, prices, promotions), "support" (hours, location, policies, payments, other questions), \
        "schedule" (book, move or cancel an appointment, or give booking details), "availability" (free times or days, \
        without booking yet). A message may have several intents. Answer only with JSON: \
        {"intents": [{"intent": "<intent>", "confidence": <0..1>}]}, strongest first.
        """
    }

    /// The model's intents for `message`, or the reason they cannot be used.
    public func classify(_ message: String, context: [RouterTurn], companyName: String, model: any LanguageModel) async -> Result<[IntentScore], LanguageModelError> {
        var messages: [ChatTurn] = [.system(Self.systemPrompt(companyName: companyName))]
        for turn in context.suffix(2) { messages.append(turn.fromPatient ? .user(turn.text) : .assistant(turn.text)) }
        messages.append(.user(message))
        do throws(LanguageModelError) {
            let completion = try await model.complete(CompletionRequest(messages: messages, temperature: 0, maximumTokens: 80, jsonObject: true))
            return Self.parse(completion.text).map { .success($0) } ?? .failure(LanguageModelError(.malformedAnswer, "not the expected intents JSON: \(completion.text.prefix(120))"))
        } catch {
            return .failure(error)
        }
    }

    /// The intents of a model's JSON answer, strongest first, or nil when it is not a valid one.
    static func parse(_ text: String) -> [IntentScore]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
        var items: [[String: Any]]
        if let list = object["intents"] as? [[String: Any]] {
            items = list
        } else if let names = object["intents"] as? [String] {
            items = names.map { ["intent": $0] }
        } else if let single = object["intent"] as? String {
            items = [["intent": single, "confidence": object["confidence"] ?? 0.7]]
        } else {
            return nil
        }
        items = Array(items.prefix(5))
        var scores: [IntentScore] = []
        for item in items {
            guard let name = (item["intent"] as? String)?.lowercased(), let intent = Intent(rawValue: name), intent != .emergency else { return nil }
            let confidence = (item["confidence"] as? NSNumber)?.doubleValue ?? 0.7
            guard confidence.isFinite, (0...1).contains(confidence) else { return nil }
            if !scores.contains(where: { $0.intent == intent }) { scores.append(IntentScore(intent: intent, confidence: (confidence * 100).rounded() / 100)) }
        }
        guard !scores.isEmpty else { return nil }
        return scores.sorted { $0.confidence > $1.confidence }
    }
}
