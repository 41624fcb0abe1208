import AppointmentsCore
import Foundation
import ServiceLogging
import TenantStorage
import Wire

/// Searches a company's documents (the RAG service in production).
public protocol KnowledgeSearch: Sendable {
    /// The best passages for `query`, or nil when the knowledge base cannot be reached.
    func search(_ query: String, company: CompanyID, k: Int) async -> [SearchHit]?
}

/// Answers one patient message: memory, router, the agents, the orchestration of mixed intents, and the
/// timings of each step.
///
/// - **emergency** (always alone: a patient in danger gets one clear message): empathy, the clinic's
///   emergency protocol from its documents, its emergency contact from the configuration, and a real
///   escalation: the conversation's bot is paused (reason `emergency`);
/// - **sales** and **support**: the clinic's passages that answer the question, quoted by the
///   ``GroundedResponder``, with a call to book after sales; "I don't have that information" and the offer of a
///   person when nothing answers it;
/// - **availability**: free starts for the treatment and day asked (``AppointmentBook``);
/// - **schedule**: the booking conversation (``BookingConversation``).
///
/// Mixed intents get one reply: the sections in the order sales, support, availability, schedule.
///
/// A company with a language model (`providers.llm`, see ``CompanyLanguageModels``) gets the sales and
/// support sections written by it from the same passages (``ModelResponder``, checked by the
/// ``GroundingGuard``); emergency, availability and booking sections stay built-in, since their facts
/// (protocol, phone, slots, confirmation codes) must be exact. With `routing` on, the model also classifies
/// non-emergency messages (``ModelIntentClassifier``). Any model failure leaves the built-in answer, and the
/// answer's `provider` and `providerDetail` say so.
public final class ConversationEngine: Sendable {
    public let memory: any ConversationStore
    public let knowledge: any KnowledgeSearch
    public let appointments: AppointmentBook
    let languageModels: (any LanguageModelResolver)?
    let exemplars: ExemplarClassifier?
    let responder = GroundedResponder()
    let modelResponder = ModelResponder()
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(memory: any ConversationStore, knowledge: any KnowledgeSearch, appointments: AppointmentBook,
                languageModels: (any LanguageModelResolver)? = nil, exemplars: ExemplarClassifier? = nil, logger: Logger,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.exemplars = exemplars
        self.memory = memory
        self.knowledge = knowledge
        self.appointments = appointments
        self.languageModels = languageModels
        self.logger = logger
        self.clock = clock
    }

    /// How long answered messages stay in the turn log the statistics read (90 days).
    static let statisticsRetentionSeconds = 90 * 24 * 3600

    /// The router's extensions from the company's `router_keywords`.
    static func router(for company: Company) -> IntentRouter {
        var extensions: [Intent: [String]] = [:]
        for (name, words) in company.routerKeywords ?? [:] {
            if let intent = Intent(rawValue: name), intent != .emergency { extensions[intent] = words }
        }
        return IntentRouter(extensions: extensions)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15).rounded(toPlaces: 3)
    }

    public func handle(_ request: ChatRequest, company: Company, scope: TenantScope) async throws(ConversationStoreError) -> ChatAnswer {
        let started = ContinuousClock.now
        let now = clock()
        let policy = MemoryPolicy(window: company.memory?.windowMessages ?? 10, ttlSeconds: company.memory?.ttlSeconds ?? 7 * 24 * 3600)
        let state = try await memory.conversation(userID: request.userID, at: now, in: scope)
        let history = state.history, status = state.bot
        var timings: [String: Double] = [:]

        let classifying = ContinuousClock.now
        let context = history.map { RouterTurn(fromPatient: $0.role == .user, text: $0.text, intents: $0.intents.compactMap(Intent.init(rawValue:))) }
        var (scored, basis) = Self.router(for: company).classifyExplained(request.message, context: context)
        let model = await languageModels?.languageModel(for: company)
        var classifier = "builtin"
        if basis == .none, status.active, let exemplars, let similar = await exemplars.classify(request.message, company: company.id) {
            // No cue of its own and nothing to carry over: the exemplar messages it is most like decide.
            scored = [similar]
            classifier = "builtin+exemplars"
        }
        var notes: [String] = []
        if let model, model.routing, status.active, scored.first?.intent != .emergency {
            switch await ModelIntentClassifier().classify(request.message, context: context, companyName: company.companyName, model: model.model) {
            case .success(let intents):
                let kept = intents.filter { $0.confidence >= 0.3 }
                scored = kept.isEmpty ? Array(intents.prefix(1)) : kept
                classifier = model.model.identifier
            case .failure(let error):
                notes.append("router: \(model.model.identifier) failed (\(error)); built-in classification used")
                logger.warning("[\(company.id)] [router] \(model.model.identifier) failed: \(error); built-in classification used")
            }
        }
        scored = scored.filter { intent in intent.intent == .emergency || company.agentsEnabled?[intent.intent.rawValue] != false }
        if scored.isEmpty { scored = [IntentScore(intent: .support, confidence: 0.4)] }
        timings["classification"] = Self.milliseconds(since: classifying)
        let intents = scored.map(\.intent)
        logger.info("[\(company.id)] [router] message classified as \(intents.map(\.rawValue).joined(separator: " + ")) by \(classifier)")

        let earlier = history.last(where: { $0.role == .user }).map { GroundedResponder.language(of: $0.text) } ?? "es"
        let language = GroundedResponder.language(of: request.message, fallback: earlier)
        let firstTurn = history.isEmpty
        var sections: [String] = []
        var sources: [AnswerSource] = []
        var escalated = false
        var escalation: EscalationRecord?
        var booked = false
        var answered = true
        var botActive = status.active
        var retrieval = 0.0
        var provider = model == nil ? "builtin" : ""
        let composing = ContinuousClock.now
        if !status.active {
            // A human has the conversation (or it was escalated): the bot stays silent about it.
            sections.append(language == "en" ? "A member of our team will reply to you shortly." : "Una persona de nuestro equipo te responderá enseguida.")
        } else if intents.first == .emergency {
            let searching = ContinuousClock.now
            let passages = await knowledge.search("protocolo emergencia complicación " + request.message, company: company.id, k: 4) ?? []
            retrieval += Self.milliseconds(since: searching)
            let (reply, used) = emergencyReply(request.message, passages: passages, company: company, language: language)
            sections.append(reply)
            sources += used
            try await memory.setBotStatus(BotStatus(active: false, reason: "emergency", changedAt: now), userID: request.userID, policy: policy, at: now,
                                          in: scope)
            escalated = true
            botActive = false
            escalation = EscalationRecord(id: UUID().uuidString.lowercased(), userID: request.userID, reason: "emergency", priority: "urgent",
                                          message: String(request.message.prefix(500)), createdAt: now)
            logger.warning("[\(company.id)] [emergency] conversation \(request.userID) escalated to a human; bot paused")
        } else if HumanRequestDetector.asksForPerson(request.message, lastBotMessage: history.last(where: { $0.role == .assistant })?.text) {
            // The patient wants a person: the team gets the conversation, the bot steps back.
            sections.append(language == "en" ? "Of course: I'm passing you to a person from our team, who will write to you shortly."
                                             : "Claro: te paso con una persona de nuestro equipo, que te escribirá en breve.")
            try await memory.setBotStatus(BotStatus(active: false, reason: "human_request", changedAt: now), userID: request.userID, policy: policy,
                                          at: now, in: scope)
            escalated = true
            botActive = false
            escalation = EscalationRecord(id: UUID().uuidString.lowercased(), userID: request.userID, reason: "human_request", priority: "urgent",
                                          message: String(request.message.prefix(500)), createdAt: now)
            logger.info("[\(company.id)] [handoff] conversation \(request.userID) asked for a person; bot paused")
        } else {
            for intent in [Intent.sales, .support, .availability, .schedule] where intents.contains(intent) {
                let searching = ContinuousClock.now
                switch intent {
                case .sales, .support:
                    let passages = await knowledge.search(request.message + " " + lastTopic(context), company: company.id, k: 5) ?? []
                    retrieval += Self.milliseconds(since: searching)
                    let (text, used) = informationReply(intent, request.message, topic: lastTopic(context), passages: passages, language: language)
                    if used.isEmpty { answered = false }
                    if let model, !used.isEmpty {
                        // The model writes this section from the passages the built-in answer found useful.
                        let written = await modelResponder.reply(agent: intent == .sales ? .sales : .support, question: request.message, history: history,
                                                                 passages: passages, builtIn: text, company: company, language: language, model: model)
                        sections.append(written.text)
                        if let reason = written.fallbackReason {
                            notes.append(reason)
                            logger.warning("[\(company.id)] [\(intent.rawValue)] built-in answer kept: \(reason)")
                        }
                        provider = provider.isEmpty || provider == written.provider ? written.provider : "mixed"
                    } else {
                        sections.append(text)
                    }
                    sources += used
                case .availability:
                    sections.append(await availabilityReply(request.message, context: context, company: company, scope: scope, language: language, now: now))
                case .schedule:
                    let booking = BookingConversation(book: appointments, memory: memory, policy: policy)
                    sections.append(try await booking.reply(to: request.message, userID: request.userID, collected: state.collected, context: context,
                                                            company: company, scope: scope, language: language, now: now, booked: &booked))
                case .emergency:
                    break
                }
            }
            if intents.contains(.sales), !intents.contains(.schedule), !intents.contains(.availability) {
                sections.append(language == "en" ? "Would you like me to look for a time for you?" : "¿Quieres que te busque un horario?")
            }
        }
        timings["retrieval"] = retrieval
        var reply = sections.joined(separator: "\n\n")
        if firstTurn && status.active && !escalated { reply = responder.greeting(company: company, language: language) + reply }
        timings["generation"] = max(0, Self.milliseconds(since: composing) - retrieval).rounded(toPlaces: 3)
        if provider.isEmpty { provider = "builtin" }
        let agent = escalation?.reason == "emergency" ? Intent.emergency.rawValue : (intents.first ?? .support).rawValue
        timings["total"] = Self.milliseconds(since: started)
        let turn = ConversationTurn(id: UUID().uuidString.lowercased(), userID: request.userID, timestamp: now, agent: agent, intents: intents.map(\.rawValue),
                                    provider: provider, classificationMilliseconds: timings["classification"] ?? 0, retrievalMilliseconds: retrieval,
                                    totalMilliseconds: timings["total"] ?? 0, answered: answered, booked: booked, escalation: escalation)
        // The exchange and its statistics in one write.
        try await memory.appendTurn([
            ConversationMessage(role: .user, text: request.message, intents: intents.map(\.rawValue), timestamp: now),
            ConversationMessage(role: .assistant, text: reply, agent: agent, timestamp: now),
        ], turn: turn, userID: request.userID, policy: policy, retentionSeconds: Self.statisticsRetentionSeconds, at: now, in: scope)
        return ChatAnswer(reply: reply, agentUsed: agent, intents: scored.map(\.intent.rawValue), confidences: scored.map(\.confidence),
                          sources: sources, provider: provider, escalated: escalated, botActive: botActive, timings: timings,
                          classifier: classifier, providerNotes: notes, escalation: escalation)
    }

    /// The topic words of the last patient turn, so "¿y el de labios?" searches with what came before.
    func lastTopic(_ context: [RouterTurn]) -> String {
        guard let last = context.last(where: \.fromPatient) else { return "" }
        return last.text
    }

    func source(_ hit: SearchHit) -> AnswerSource {
        AnswerSource(documentID: hit.documentID, title: hit.title, heading: hit.heading, score: (hit.score * 1_000).rounded() / 1_000)
    }

    func informationReply(_ intent: Intent, _ message: String, topic: String, passages: [SearchHit], language: String) -> (String, [AnswerSource]) {
        let (sentences, used) = responder.select(for: message, topic: topic, from: passages, preferAmounts: intent == .sales)
        guard !sentences.isEmpty else {
            return (language == "en" ? "I don't have that information right now. Would you like a person from our team to contact you?"
                        : "No tengo esa información en este momento. ¿Quieres que una persona de nuestro equipo te contacte?", [])
        }
        return (sentences.joined(separator: " "), used.map(source))
    }

    func emergencyReply(_ message: String, passages: [SearchHit], company: Company, language: String) -> (String, [AnswerSource]) {
        let (sentences, used) = responder.select(for: message + " emergencia urgencia protocolo", from: passages, limit: 3, preferAmounts: false)
        var parts = [language == "en" ? "I'm sorry you're going through this; what you describe needs attention right away."
                                      : "Siento mucho lo que te está pasando; lo que describes necesita atención inmediata."]
        if !sentences.isEmpty { parts.append(sentences.joined(separator: " ")) }
        if let contact = company.emergency?.contact, !contact.isEmpty {
            parts.append(language == "en" ? "Call our emergency line now: \(contact)." : "Llama ya a nuestra línea de urgencias: \(contact).")
        } else {
            parts.append(language == "en" ? "If it gets worse, call the emergency services (112 / 911)." : "Si empeora, llama a emergencias (112 / 911).")
        }
        parts.append(language == "en" ? "I've alerted our medical team; a person will contact you now." : "He avisado a nuestro equipo médico; una persona te contactará ahora mismo.")
        return (parts.joined(separator: " "), used.map(source))
    }

    func availabilityReply(_ message: String, context: [RouterTurn], company: Company, scope: TenantScope, language: String, now: Date) async -> String {
        let rules = appointments.bookingRules(company)
        // The treatment named now, else the one the patient named last.
        let treatment = rules?.treatment(named: message) ?? context.reversed().lazy.filter(\.fromPatient).compactMap { rules?.treatment(named: $0.text) }.first
        guard let treatment else {
            return language == "en" ? "Which treatment would you like the appointment for?" : "¿Para qué tratamiento quieres la cita?"
        }
        let zone = TimeZone(identifier: company.timezone) ?? .gmt
        let understood = DateTimeParser(timeZone: zone).interpret(message, now: now)
        var request = AvailabilityRequest(companyID: company.id, treatment: treatment.name, limit: 5)
        if let date = understood.date, understood.time == nil { request.day = date }
        if let start = understood.start, understood.time != nil { request.from = start; request.to = start.addingTimeInterval(3 * 3600) }
        request.partOfDay = understood.partOfDay?.rawValue
        guard let answer = try? await appointments.availability(request, company: company, scope: scope) else {
            return language == "en" ? "I can't check the calendar right now; a person from our team will confirm the times."
                : "Ahora mismo no puedo consultar la agenda; una persona del equipo te confirmará los horarios."
        }
        guard !answer.slots.isEmpty else {
            return language == "en" ? "I don't see free times for \(treatment.name) then. Would another day suit you?"
                : "No veo horarios libres para \(treatment.name) en ese momento. ¿Te sirve otro día?"
        }
        let wording = SlotWording(zone: zone, english: language == "en")
        let list = answer.slots.map { wording.text($0) }.joined(separator: "; ")
        return language == "en" ? "Free times for \(treatment.name): \(list). Which one would you like?"
            : "Horarios libres para \(treatment.name): \(list). ¿Cuál prefieres?"
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let factor = pow(10, Double(places))
        return (self * factor).rounded() / factor
    }
}
