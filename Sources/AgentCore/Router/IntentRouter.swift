import Foundation
import Wire

/// What a patient message asks for.
public enum Intent: String, Sendable, Codable, CaseIterable {
    case emergency, sales, support, schedule, availability
}

/// One intent the router found, with a confidence in 0…1.
public struct IntentScore: Sendable, Equatable {
    public var intent: Intent
    public var confidence: Double
    public init(intent: Intent, confidence: Double) {
        self.intent = intent
        self.confidence = confidence
    }
}

/// A previous turn, as the router uses it for follow-ups.
public struct RouterTurn: Sendable, Equatable {
    public var fromPatient: Bool
    public var text: String
    public var intents: [Intent]
    public init(fromPatient: Bool, text: String, intents: [Intent] = []) {
        self.fromPatient = fromPatient
        self.text = text
        self.intents = intents
    }
}

/// The built-in router: Spanish and English lexicons per intent (accents folded, common abbreviations
/// expanded, voseo and Latin American usage), phrases that tell a booking from a question about free
/// times, per-company keyword extensions, and the conversation so far for follow-ups ("¿y el precio?" after a
/// botox question stays sales; "el viernes" after an availability question stays availability; a name and an
/// ID number while a booking collects data is schedule).
///
/// Emergency detection runs first (``EmergencyDetector``): when it fires, emergency is reported with the
/// highest confidence and nothing can outvote it. The other intents each get a score from the phrases and
/// words they match; every intent whose score reaches the threshold is reported, strongest first.
public struct IntentRouter: Sendable {
    /// Extra words per intent from the company's configuration (folded on use).
    public var extensions: [Intent: [String]]

    public init(extensions: [Intent: [String]] = [:]) {
        self.extensions = extensions
    }

    /// A reported intent needs at least this score.
    static let threshold = 1.0

    public func classify(_ message: String, context: [RouterTurn] = []) -> [IntentScore] {
        classifyExplained(message, context: context).scores
    }

    /// What a classification rests on.
    public enum Basis: Sendable, Equatable {
        /// Cues of the message itself (or an emergency).
        case cues
        /// Nothing of its own: the intents were carried over from the conversation.
        case context
        /// Nothing at all: the default (support, low confidence), where a second opinion helps most.
        case none
    }

    /// The intents, and what they rest on.
    public func classifyExplained(_ message: String, context: [RouterTurn] = []) -> (scores: [IntentScore], basis: Basis) {
        let text = RouterText(message)
        var scores: [Intent: Double] = [:]
        let emergency = EmergencyDetector.detect(text)
        for intent in [Intent.sales, .support, .schedule, .availability] {
            scores[intent] = RouterLexicon.score(intent, text) + extensionScore(intent, text)
        }
        RouterLexicon.adjust(&scores, text)
        var found = scores.filter { $0.value >= Self.threshold }
        var basis: Basis = !found.isEmpty || emergency.isEmergency ? .cues : .none
        if !emergency.isEmergency, Self.answersDataRequest(text, context: context) {
            // The bot just asked for booking data and this is it ("mi teléfono es …" is not a question about the clinic's phone).
            found = [.schedule: max(scores[.schedule] ?? 0, 1.5)]
            basis = .context
        } else if found.isEmpty, !emergency.isEmergency {
            found = followUp(text, context: context, scores: scores)
            if !found.isEmpty { basis = .context }
        }
        var results = found.map { IntentScore(intent: $0.key, confidence: Self.confidence($0.value)) }
            .sorted { ($0.confidence, $0.intent.rawValue) > ($1.confidence, $1.intent.rawValue) }
        if emergency.isEmergency {
            // Beside an emergency, another intent needs explicit words of its own (a treatment's name is not a sales question).
            results.removeAll { $0.intent == .emergency || (scores[$0.intent] ?? 0) < 2 }
            results.insert(IntentScore(intent: .emergency, confidence: 0.99), at: 0)
        }
        if results.isEmpty { results = [IntentScore(intent: .support, confidence: 0.4)] }
        return (results, basis)
    }

    func extensionScore(_ intent: Intent, _ text: RouterText) -> Double {
        guard let words = extensions[intent] else { return 0 }
        return words.contains { text.contains(RouterText($0).words.joined(separator: " ")) } ? 1.5 : 0
    }

    /// Whether the bot's last message asked for booking data and this message looks like that data.
    static func answersDataRequest(_ text: RouterText, context: [RouterTurn]) -> Bool {
        // The cheap test on the message first: the bot's message is only read when the message looks like data.
        guard let last = context.last, !last.fromPatient, !text.isQuestion, RouterLexicon.looksLikeBookingData(text) else { return false }
        return RouterLexicon.asksForData(RouterText(last.text))
    }

    /// A message with no intent of its own continues the conversation: booking data while a booking is under
    /// way is schedule; otherwise the last patient turn's intents carry over (weaker).
    func followUp(_ text: RouterText, context: [RouterTurn], scores: [Intent: Double]) -> [Intent: Double] {
        guard let lastPatient = context.last(where: \.fromPatient) else { return [:] }
        let bookingUnderWay = context.suffix(4).contains { $0.intents.contains(.schedule) }
            || context.last.map { !$0.fromPatient && RouterLexicon.asksForData(RouterText($0.text)) } == true
        if bookingUnderWay, RouterLexicon.looksLikeBookingData(text) { return [.schedule: 1.5] }
        let carried = lastPatient.intents.filter { $0 != .emergency }
        if !carried.isEmpty {
            return Dictionary(uniqueKeysWithValues: carried.map { ($0, 1.2) })
        }
        return [:]
    }

    /// Score → confidence: a logistic curve, 0.5 at the threshold's half, about 0.9 at three points.
    static func confidence(_ score: Double) -> Double {
        let value = 1 / (1 + exp(-1.5 * (score - 1.2)))
        return (value * 100).rounded() / 100
    }
}
