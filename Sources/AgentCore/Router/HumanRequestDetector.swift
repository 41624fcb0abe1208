/// Whether a patient asks for a person instead of the bot ("quiero hablar con una persona", "can I talk to a
/// human?"), or says yes when the bot offered one. Such a message hands the conversation to the team like
/// an emergency does (status, urgent priority, a note), labelled `humano` instead of `emergencia`.
enum HumanRequestDetector {
    /// Phrases that ask for a person on their own (folded words).
    static let phrases: [String] = [
        "hablar con una persona", "hablar con un humano", "hablar con una humana", "hablar con alguien", "hablar con un asesor", "hablar con una asesora",
        "hablar con un agente", "hablar con una agente", "hablar con el equipo", "hablar con un operador", "hablar con una operadora",
        "hablar con la doctora", "hablar con el doctor", "hablar con recepcion", "persona real", "persona de verdad", "un humano", "una humana",
        "agente humano", "atencion humana", "atencion personal", "pasame con", "pasenme con", "me pasas con", "me pasa con", "comunicame con",
        "comuniqueme con", "no quiero hablar con un bot", "no quiero hablar con una maquina", "no eres una persona", "eres un bot",
        "talk to a human", "speak to a human", "talk to a person", "speak to a person", "speak with a person", "talk with a person",
        "talk to someone", "speak to someone", "speak with someone", "talk with someone", "real person", "human agent", "live agent",
        "a representative", "customer service agent", "talk to a real", "speak to a real", "not a bot", "talk to your team", "speak to your team",
        "talk to staff", "speak to staff", "speak to the doctor", "talk to the doctor",
    ]

    /// ``phrases`` indexed by their first word (one pass over the message's words).
    static let phraseSet = PhraseSet(phrases)

    /// What the bot says when it offers a person (the information agent's "nothing found" answer).
    static let offers = ["una persona de nuestro equipo te contacte", "a person from our team to contact you"]
    /// Short answers that accept the offer.
    static let acceptances: Set<String> = [
        "si", "si por favor", "si gracias", "vale", "vale gracias", "claro", "por favor", "de acuerdo", "ok", "okay", "bueno", "si claro", "dale",
        "yes", "yes please", "sure", "please", "ok thanks", "yes thanks", "yeah", "yep",
    ]

    /// Whether `message` asks for a person; `lastBotMessage` is what the bot said just before.
    static func asksForPerson(_ message: String, lastBotMessage: String?) -> Bool {
        let text = RouterText(message)
        if phraseSet.occurs(in: text.words) { return true }
        // The short answer first: the bot's (longer) message is only searched when the patient said yes.
        guard let lastBotMessage, acceptances.contains(text.words.joined(separator: " ")) else { return false }
        return offers.contains(where: lastBotMessage.contains)
    }
}
