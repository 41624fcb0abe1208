import Foundation
import HTTPServerCore
import ServiceLogging
import Wire

/// Conversations of the caller's company (tenant routes; the agent service checks the tenant again).
enum ConversationRoutes {
    struct TestBody: Decodable { var message: String }

    static func register(on router: inout Router<GatewayRoute>, upstream: UpstreamCaller) {
        // The original's test endpoint: one message through the router and agents, with everything the answer used.
        router.add("POST", "/api/conversations/{user_id}/test", GatewayRoute(access: .tenant, bodyLimit: 32 << 10, timeout: .seconds(30)) { request, context in
            guard let company = context.company else { throw HTTPError.internalError() }
            guard let userID = context.parameters["user_id"], !userID.isEmpty, userID.utf8.count <= 128 else {
                throw HTTPError(status: 400, code: "invalid_user_id", message: "The user id is not valid.")
            }
            let body = try JSONBody.decode(TestBody.self, from: request)
            let answer = try await upstream.call(.agent, AgentAPI.chat, ChatRequest(companyID: company.id, userID: userID, message: body.message),
                                                 context: context)
            let agents = AgentKind.allCases.filter { $0 != .router && company.agentsEnabled?[$0.rawValue] != false }.map { JSONValue.string($0.rawValue) }
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "user_id": .string(userID), "user_message": .string(body.message),
                "bot_response": .string(answer.reply), "agent_used": .string(answer.agentUsed),
                "intents": .array(zip(answer.intents, answer.confidences).map { .object(["intent": .string($0), "confidence": .number($1)]) }),
                "context": .object([
                    "company_id": .string(company.id.rawValue), "company_name": .string(company.companyName), "agents": .array(agents),
                    "rag_sources": .array(answer.sources.map {
                        .object(["document_id": .string($0.documentID), "title": .string($0.title), "heading": .string($0.heading), "score": .number($0.score)])
                    }),
                    "provider": .string(answer.provider), "classifier": .string(answer.classifier ?? "builtin"),
                    "provider_notes": .array((answer.providerNotes ?? []).map { .string($0) }),
                    "escalated": .bool(answer.escalated), "bot_active": .bool(answer.botActive),
                    "timings_ms": .object(answer.timings.mapValues { .number($0) }),
                ]),
                "timestamp": .string(Timestamp.iso8601(Date())),
            ])
        })

        router.add("GET", "/api/conversations", GatewayRoute(access: .tenant) { request, context in
            guard let company = context.company else { throw HTTPError.internalError() }
            let page = try DocumentRoutes.integer(request, "page", default: 1, in: 1...1_000_000)
            let size = try DocumentRoutes.integer(request, "page_size", default: 20, in: 1...100)
            let answer = try await upstream.call(.agent, AgentAPI.listConversations, ListConversationsRequest(companyID: company.id, page: page, pageSize: size),
                                                 context: context)
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "total_conversations": .number(Double(answer.total)), "page": .number(Double(page)),
                "page_size": .number(Double(size)),
                "conversations": .array(answer.conversations.map {
                    .object(["user_id": .string($0.userID), "last_activity": .string(Timestamp.iso8601($0.lastActivity)),
                             "message_count": .number(Double($0.messageCount)), "bot_active": .bool($0.botActive)])
                }),
            ])
        })
        router.add("GET", "/api/conversations/{user_id}/history", GatewayRoute(access: .tenant) { _, context in
            guard let company = context.company, let userID = context.parameters["user_id"] else { throw HTTPError.internalError() }
            let answer = try await upstream.call(.agent, AgentAPI.conversationHistory, ConversationReference(companyID: company.id, userID: userID),
                                                 context: context)
            return CompanyJSON.success(["company_id": .string(company.id.rawValue), "user_id": .string(userID), "messages": messagesJSON(answer.messages),
                                        "message_count": .number(Double(answer.messages.count)), "bot_active": .bool(answer.bot.active),
                                        "bot_reason": answer.bot.reason.map { .string($0) } ?? .null])
        })
        // The patient's data export: everything the system keeps about them, as one JSON file.
        router.add("GET", "/api/conversations/{user_id}/export", GatewayRoute(access: .tenant) { _, context in
            guard let company = context.company, let userID = context.parameters["user_id"] else { throw HTTPError.internalError() }
            let answer = try await upstream.call(.agent, AgentAPI.exportConversation, ConversationReference(companyID: company.id, userID: userID),
                                                 context: context)
            var response = CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "user_id": .string(userID), "messages": messagesJSON(answer.messages),
                "message_count": .number(Double(answer.messages.count)), "bot_active": .bool(answer.bot.active),
                "bot_reason": answer.bot.reason.map { .string($0) } ?? .null,
                "collected_data": .object(answer.collectedData.filter { !$0.key.hasPrefix("awaiting_") }.mapValues { .string($0) }),
                "appointments": .array(answer.appointments.map { AppointmentRoutes.json($0, company) }),
                "webhook_events": .array(answer.webhookEvents.map { event in
                    .object(["id": .string(event.summary.id), "event": .string(event.summary.event), "kind": .string(event.summary.kind),
                             "conversation_id": .number(Double(event.summary.conversationID)), "state": .string(event.summary.state.rawValue),
                             "received_at": .string(Timestamp.iso8601(event.summary.receivedAt)), "content": event.content.map { .string($0) } ?? .null])
                }),
                "statistics_records": .number(Double(answer.statisticsRecords)),
                "exported_at": .string(Timestamp.iso8601(Date())),
            ])
            response.headers.add("Content-Disposition", "attachment; filename=\"conversation-\(userID).json\"")
            return response
        })
        // The patient's erasure: conversation, collected data, statistics records, chat bookings and webhook deliveries.
        router.add("DELETE", "/api/conversations/{user_id}", GatewayRoute(access: .tenant) { _, context in
            guard let company = context.company, let userID = context.parameters["user_id"] else { throw HTTPError.internalError() }
            let erased = try await upstream.call(.agent, AgentAPI.deleteConversation, ConversationReference(companyID: company.id, userID: userID),
                                                 context: context)
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "user_id": .string(userID), "message": .string("Conversation deleted"),
                "erased": .object(["conversation": .bool(erased.conversation), "statistics_records": .number(Double(erased.statisticsRecords)),
                                   "appointments": .number(Double(erased.appointments)), "webhook_events": .number(Double(erased.webhookEvents))]),
            ])
        })
    }

    static func messagesJSON(_ messages: [ConversationMessage]) -> JSONValue {
        .array(messages.map { message in
            .object(["role": .string(message.role.rawValue), "content": .string(message.text), "agent": message.agent.map { .string($0) } ?? .null,
                     "intents": .array(message.intents.map { .string($0) }), "timestamp": .string(Timestamp.iso8601(message.timestamp))])
        })
    }
}
