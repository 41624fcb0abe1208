import AppointmentsCore
import Foundation
import TenantStorage
import Wire
import WireRPC

/// Everything the agent service keeps about one patient of one company, across its stores: the memory
/// (messages, bot status, collected booking data, statistics records), the appointments the patient's
/// conversation booked (found by their chat idempotency key) and the webhook inbox (the deliveries from
/// their Chatwoot contact). The patient's export reads all of it; their erasure deletes all of it.
///
/// Appointments booked through the REST API carry no user id, so they are not part of a conversation's
/// records; an operator erases those by id. The RAG and media services keep nothing of a patient's (the
/// documents are the clinic's; media is processed and dropped).
public struct PatientRecords: Sendable {
    let memory: any ConversationStore
    let appointments: any AppointmentStore
    let inbox: (any WebhookInbox)?

    /// The most appointments and webhook events one export or erasure reads.
    static let maximumItems = 10_000

    public init(memory: any ConversationStore, appointments: any AppointmentStore, inbox: (any WebhookInbox)?) {
        self.memory = memory
        self.appointments = appointments
        self.inbox = inbox
    }

    /// The patient's records; `notFound` when there is nothing of theirs in any store.
    public func export(userID: String, at now: Date, in scope: TenantScope) async throws(RPCError) -> ConversationExport {
        let records = try await Self.unavailable { () async throws(PatientRecordsError) in
            let conversation = try await PatientRecordsError.wrap { () async throws(ConversationStoreError) in
                try await memory.conversation(userID: userID, at: now, in: scope)
            }
            let (history, bot, collected) = (conversation.history, conversation.bot, conversation.collected)
            let turns = try await PatientRecordsError.wrap { () async throws(ConversationStoreError) in
                try await memory.turns(ofUser: userID, erase: false, in: scope)
            }
            let booked = try await chatAppointments(of: userID, in: scope)
            let events = try await PatientRecordsError.wrap { () async throws(WebhookInboxError) in
                try await inbox?.events(ofUser: userID, limit: Self.maximumItems, in: scope) ?? []
            }
            return ConversationExport(messages: history, bot: bot, collectedData: collected, appointments: booked,
                                      webhookEvents: events.map { PatientWebhookEvent(summary: $0.summary, content: $0.event.content) },
                                      statisticsRecords: turns)
        }
        guard !records.messages.isEmpty || !records.collectedData.isEmpty || records.statisticsRecords > 0 || !records.appointments.isEmpty
                || !records.webhookEvents.isEmpty else {
            throw RPCError(.notFound, "nothing is kept about '\(userID)'", errorCode: "conversation_not_found")
        }
        return records
    }

    /// Erases the patient from every store; `notFound` when there was nothing of theirs.
    public func erase(userID: String, at now: Date, in scope: TenantScope) async throws(RPCError) -> ConversationErasure {
        let erasure = try await Self.unavailable { () async throws(PatientRecordsError) in
            // The inbox first: an event still waiting would otherwise write the conversation again; one being
            // answered right now would too, so then the erasure stops there and asks to be repeated.
            let (events, busy) = try await PatientRecordsError.wrap { () async throws(WebhookInboxError) in
                try await inbox?.erase(userID: userID, at: now, in: scope) ?? (0, 0)
            }
            if busy > 0 { throw PatientRecordsError(message: "a message of '\(userID)' is being answered right now; erase again in a few seconds", busy: true) }
            let booked = try await chatAppointments(of: userID, in: scope)
            let appointments = try await PatientRecordsError.wrap { () async throws(AppointmentStoreError) in
                try await self.appointments.erase(booked.map(\.id), in: scope)
            }
            // The collected data lives with the conversation (its row, its state hash): one delete takes both.
            let conversation = try await PatientRecordsError.wrap { () async throws(ConversationStoreError) in
                try await memory.delete(userID: userID, at: now, in: scope)
            }
            let turns = try await PatientRecordsError.wrap { () async throws(ConversationStoreError) in
                try await memory.turns(ofUser: userID, erase: true, in: scope)
            }
            return ConversationErasure(conversation: conversation, statisticsRecords: turns, appointments: appointments,
                                       webhookEvents: events)
        }
        guard erasure.erasedAnything else {
            throw RPCError(.notFound, "nothing is kept about '\(userID)'", errorCode: "conversation_not_found")
        }
        return erasure
    }

    /// The appointments the patient's conversation booked.
    func chatAppointments(of userID: String, in scope: TenantScope) async throws(PatientRecordsError) -> [Appointment] {
        try await PatientRecordsError.wrap { () async throws(AppointmentStoreError) in
            try await appointments.appointments(withKeyPrefix: BookingConversation.keyPrefix(userID: userID), limit: Self.maximumItems, in: scope)
                .filter { BookingConversation.isChatBooking($0.idempotencyKey, of: userID) }
        }
    }

    static func unavailable<T>(_ body: () async throws(PatientRecordsError) -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch where error.busy {
            throw RPCError(.aborted, error.message, errorCode: "conversation_busy")
        } catch {
            throw RPCError(.unavailable, error.message, errorCode: "store_unavailable")
        }
    }
}

/// A store failed while a patient's records were read or erased (its message names the store), or (`busy`)
/// one of the patient's messages was being answered and the erasure has to be repeated.
struct PatientRecordsError: Error {
    var message: String
    var busy = false

    static func wrap<T, Failure: Error & CustomStringConvertible>(_ body: () async throws(Failure) -> T) async throws(PatientRecordsError) -> T {
        do {
            return try await body()
        } catch {
            throw PatientRecordsError(message: error.description)
        }
    }
}
