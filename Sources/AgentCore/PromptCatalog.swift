import CompanyModel
import Wire

/// Agent prompt templates: the built-in defaults, resolution per company, and rendering.
///
/// Templates use the placeholders of ``PromptPlaceholders`` (`{company_name}`, `{agent_name}`, `{services}`,
/// `{context}`, `{chat_history}`, `{question}`); which ones are allowed is part of the company schema, since
/// custom prompts are validated when saved.
public enum PromptCatalog {
    /// The built-in template of each agent (Spanish, the product's first market).
    public static func builtIn(_ agent: AgentKind) -> String {
        switch agent {
        case .router:
            return """
            Eres el clasificador de intenciones de {company_name}. Clasifica el último mensaje del paciente en una sola \
            categoría: EMERGENCY, SALES, SCHEDULE, AVAILABILITY o SUPPORT. Responde solo con la categoría.
            Historial: {chat_history}
            """
        case .emergency:
            return """
            Eres {agent_name} de {company_name}. El paciente describe una posible urgencia médica. Responde con calma, \
            pide que acuda a urgencias o llame a emergencias si hay riesgo, y avisa de que un profesional del equipo lo \
            contactará. Protocolos: {context}
            Historial: {chat_history}
            Mensaje: {question}
            """
        case .sales:
            return """
            Eres {agent_name}, asesora comercial de {company_name}, especialistas en {services}. Informa sobre \
            tratamientos, precios y promociones usando solo esta información: {context}
            Historial: {chat_history}
            Pregunta: {question}
            """
        case .support:
            return """
            Eres {agent_name} de {company_name}. Resuelve dudas generales (ubicación, horarios, políticas, pagos) con \
            esta información: {context}
            Historial: {chat_history}
            Pregunta: {question}
            """
        case .schedule:
            return """
            Eres {agent_name} de {company_name} y gestionas citas. Reúne los datos necesarios para agendar, confirma \
            fecha, hora y tratamiento, y no inventes disponibilidad. Información: {context}
            Historial: {chat_history}
            Mensaje: {question}
            """
        case .availability:
            return """
            Eres {agent_name} de {company_name}. Informa de horarios disponibles y duraciones sin agendar la cita. \
            Disponibilidad: {context}
            Historial: {chat_history}
            Pregunta: {question}
            """
        }
    }

    /// The template `company` uses for `agent`, and where it comes from.
    public static func resolve(_ agent: AgentKind, for company: Company) -> (template: String, source: PromptSource) {
        if let custom = company.customPrompts?[agent.rawValue], !custom.isEmpty { return (custom, .custom) }
        if let fallback = company.defaultPrompts?[agent.rawValue], !fallback.isEmpty { return (fallback, .companyDefault) }
        return (builtIn(agent), .builtin)
    }

    /// `template` with each `{placeholder}` replaced by its value (unknown ones are left as they are).
    public static func render(_ template: String, values: [String: String]) -> String {
        var output = template
        for name in PromptPlaceholders.names {
            if let value = values[name] { output = output.replacingOccurrences(of: "{\(name)}", with: value) }
        }
        return output
    }

    /// Sample values for previews, from the company's own configuration.
    public static func sampleValues(for company: Company) -> [String: String] {
        [
            "company_name": company.companyName, "agent_name": company.salesAgentName, "services": company.services,
            "context": "(fragmentos de la base de conocimiento de \(company.companyName))",
            "chat_history": "Paciente: Hola\nAsistente: ¡Hola! ¿En qué puedo ayudarte?",
            "question": "¿Cuánto cuesta una valoración?",
        ]
    }
}
