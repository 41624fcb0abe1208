import Foundation
import HTTPServerCore
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
                    "provider": .string(answer.provider), "escalated": .bool(answer.escalated), "bot_active": .bool(answer.botActive),
                    "timings_ms": .object(answer.timings.mapValues { .number($0) }),
                ]),
                "timestamp": .string(ISO8601DateFormatter().string(from: Date())),
            ])
        })
    }
}
