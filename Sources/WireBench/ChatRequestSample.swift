import Foundation

/// A representative Wire message for codec benchmarks: a chat request with ten history turns.
struct ChatRequestSample: Codable, Sendable, Equatable {
    struct Turn: Codable, Sendable, Equatable {
        var role: String
        var content: String
        var timestamp: Date
        var messageID: UUID
        var agent: String?
    }

    var companyID: String
    var conversationID: String
    var userID: String
    var channel: String
    var locale: String
    var message: String
    var history: [Turn]
    var metadata: [String: String]
    var maxTokens: Int
    var temperature: Double

    static func make() -> ChatRequestSample {
        let lines = [
            "Hola, quería información sobre el tratamiento de ácido hialurónico.",
            "¡Hola! Soy Sofía, de Benova. El ácido hialurónico cuesta desde 280 € por sesión. ¿Te gustaría agendar?",
            "¿Cuánto dura cada sesión y cuánto tiempo se mantiene el resultado?",
            "La sesión dura unos 45 minutos y el resultado suele mantenerse entre 9 y 12 meses.",
            "Perfecto. ¿Tenéis disponibilidad el jueves por la tarde?",
            "Tenemos huecos el jueves a las 16:00 y a las 18:30. ¿Cuál prefieres?",
            "A las 18:30, por favor. ¿Necesito llevar algo?",
            "Solo tu documento de identidad. Te enviaremos un recordatorio el día anterior.",
            "Genial, muchas gracias por la ayuda.",
            "¡A ti! Si tienes cualquier otra duda, escríbenos por aquí.",
        ]
        let start = Date(timeIntervalSince1970: 1_764_000_000)
        return ChatRequestSample(
            companyID: "benova", conversationID: "conv-8f3a2c1e", userID: "whatsapp:+34600123456",
            channel: "chatwoot", locale: "es",
            message: "¿Puedo pagar con tarjeta el día de la cita?",
            history: lines.enumerated().map { index, text in
                Turn(role: index % 2 == 0 ? "user" : "assistant", content: text,
                     timestamp: start.addingTimeInterval(Double(index) * 37),
                     messageID: UUID(uuid: (UInt8(index), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
                     agent: index % 2 == 0 ? nil : "sales")
            },
            metadata: ["request_id": "req-51c0", "inbox": "12", "contact": "4411"],
            maxTokens: 512, temperature: 0.3)
    }
}
