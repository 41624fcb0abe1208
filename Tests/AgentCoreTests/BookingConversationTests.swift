import AppointmentsCore
import Foundation
import ServiceLogging
import Testing
import TenantStorage
import Wire
@testable import AgentCore

/// Multi-turn bookings through the conversation engine, on real SQLite stores: the patient gives the
/// treatment, the time, the data (and corrects it), confirms, then moves and cancels the appointment.
struct BookingConversationTests {
    /// A knowledge base with no documents (these conversations need none).
    struct NoDocuments: KnowledgeSearch {
        func search(_ query: String, company: CompanyID, k: Int) async -> [SearchHit]? { [] }
    }

    /// Monday 7 December 2026, 08:00 in Madrid.
    static let now = Date(timeIntervalSince1970: 1_796_540_400)

    func engine() async throws -> (ConversationEngine, Company, TenantScope) {
        let directory = NSTemporaryDirectory() + "booking-chat-\(UUID().uuidString.prefix(8))"
        let memory = try await SQLiteConversationStore(path: directory + "/memory.sqlite3")
        let appointments = try await SQLiteAppointmentStore(path: directory + "/appointments.sqlite3")
        let now = Self.now
        let book = AppointmentBook(store: appointments, clock: { now })
        let json = #"{"company_id":"benova","company_name":"Benova","sales_agent_name":"María","timezone":"Europe/Madrid","#
            + #""treatment_durations":{"botox":30},"booking":{"minimum_notice_minutes":60}}"#
        let company = try JSONDecoder().decode(Company.self, from: Data(json.utf8))
        return (ConversationEngine(memory: memory, knowledge: NoDocuments(), appointments: book, logger: Logger(component: "agent-test"), clock: { now }),
                company, try TenantScope(company: company))
    }

    func say(_ engine: ConversationEngine, _ company: Company, _ scope: TenantScope, _ user: String, _ text: String) async throws -> ChatAnswer {
        try await engine.handle(ChatRequest(companyID: company.id, userID: user, message: text), company: company, scope: scope)
    }

    @Test func aSpanishPatient_Books_Corrects_Moves_AndCancels() async throws {
        let (engine, company, scope) = try await engine()
        var answer = try await say(engine, company, scope, "lucia", "Hola, quiero reservar una cita para botox")
        #expect(answer.agentUsed == "schedule" && answer.reply.contains("¿Qué día"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "el miércoles a las 10")
        #expect(answer.reply.contains("nombre completo"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "Me llamo Lucía Gómez Pérez")
        #expect(answer.reply.contains("documento"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "mi dni es 12345678")
        #expect(answer.reply.contains("teléfono"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "mi teléfono es +34 600 111 222")
        #expect(answer.reply.contains("Te confirmo") && answer.reply.contains("12345678") && answer.reply.contains("miércoles 9 de diciembre a las 10:00"),
                "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "no, mi dni es 87654321")
        #expect(answer.reply.contains("87654321") && !answer.reply.contains("12345678"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "sí")
        #expect(answer.reply.contains("¡Reservado!") && answer.reply.contains("código de confirmación"), "\(answer.reply)")
        let booked = try await engine.appointments.store.list(from: Self.now, to: Self.now.addingTimeInterval(7 * 86_400), patient: "87654321",
                                                              includeCancelled: false, limit: 10, in: scope)
        #expect(booked.count == 1 && booked.first?.patient.fullName == "Lucía Gómez Pérez" && booked.first?.patient.phone == "34600111222")

        answer = try await say(engine, company, scope, "lucia", "quiero cambiar mi cita al jueves a las 11")
        #expect(answer.reply.contains("jueves 10 de diciembre a las 11:00"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "lucia", "al final cancela mi cita, por favor")
        #expect(answer.reply.contains("cancelada"), "\(answer.reply)")
        #expect(try await engine.appointments.store.list(from: Self.now, to: Self.now.addingTimeInterval(7 * 86_400), patient: nil, includeCancelled: false,
                                                         limit: 10, in: scope).isEmpty)
    }

    @Test func anEnglishPatient_BooksToo() async throws {
        let (engine, company, scope) = try await engine()
        var answer = try await say(engine, company, scope, "john", "Hi, I'd like to book botox")
        #expect(answer.agentUsed == "schedule" && answer.reply.contains("What day"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "john", "Wednesday at 4pm")
        #expect(answer.reply.contains("full name"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "john", "My name is John Smith")
        answer = try await say(engine, company, scope, "john", "my ID is X1234567")
        answer = try await say(engine, company, scope, "john", "ID 44556677")
        #expect(answer.reply.contains("phone"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "john", "my phone is +1 555 123 4567")
        #expect(answer.reply.contains("Let me confirm") && answer.reply.contains("John Smith"), "\(answer.reply)")
        answer = try await say(engine, company, scope, "john", "yes please")
        #expect(answer.reply.contains("Booked!") && answer.reply.contains("confirmation code"), "\(answer.reply)")
    }
}
