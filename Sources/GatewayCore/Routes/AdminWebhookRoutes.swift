import Foundation
import HTTPServerCore
import ServiceLogging
import Wire

/// The admin's view of the webhook inbox of one company (`?company_id=`): the events, one event with its
/// masked payload and outbox, and a retry for a dead one.
enum AdminWebhookRoutes {
    static func register(on router: inout Router<GatewayRoute>, upstream: UpstreamCaller) {
        router.add("GET", "/api/admin/webhook/events", GatewayRoute(access: .admin) { request, context in
            let id = try company(request)
            let page = try DocumentRoutes.integer(request, "page", default: 1, in: 1...100_000)
            let size = try DocumentRoutes.integer(request, "page_size", default: 50, in: 1...200)
            var state: WebhookEventState?
            if let text = request.queryValues("state").first, !text.isEmpty {
                guard let parsed = WebhookEventState(rawValue: text), parsed != .unknown else {
                    throw HTTPError(status: 400, code: "invalid_state", message: "state must be one of pending, processing, done, dead.")
                }
                state = parsed
            }
            let answer = try await upstream.call(.agent, AgentAPI.listWebhookEvents,
                                                 ListWebhookEventsRequest(companyID: id, state: state, page: page, pageSize: size), context: context)
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "total": .number(Double(answer.total)), "page": .number(Double(page)),
                "page_size": .number(Double(size)), "counts": .object(answer.counts.mapValues { .number(Double($0)) }),
                "events": .array(answer.events.map(json)),
            ])
        })
        router.add("GET", "/api/admin/webhook/events/{event_id}", GatewayRoute(access: .admin) { request, context in
            let id = try company(request)
            let detail = try await upstream.call(.agent, AgentAPI.getWebhookEvent, WebhookEventReference(companyID: id, eventID: try eventID(context)),
                                                 context: context)
            let payload = (try? JSONParser.parse(Array(detail.maskedPayload.utf8))) ?? .string(detail.maskedPayload)
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "event": json(detail.summary), "payload": payload,
                "outbox": .object(detail.outbox.mapValues { .string($0) }),
            ])
        })
        router.add("POST", "/api/admin/webhook/events/{event_id}/retry", GatewayRoute(access: .admin) { request, context in
            let id = try company(request)
            let summary = try await upstream.call(.agent, AgentAPI.retryWebhookEvent, WebhookEventReference(companyID: id, eventID: try eventID(context)),
                                                  context: context)
            return CompanyJSON.success(["company_id": .string(id.rawValue), "event": json(summary), "message": .string("Event queued for another attempt")])
        })
    }

    static func company(_ request: HTTPRequest) throws(HTTPError) -> CompanyID {
        guard let text = request.queryValues("company_id").first, !text.isEmpty else {
            throw HTTPError(status: 400, code: "company_required", message: "Name the company: ?company_id=<id>.")
        }
        guard let id = CompanyID(text) else { throw HTTPError(status: 400, code: "invalid_company_id", message: "The company id is not valid.") }
        return id
    }

    static func eventID(_ context: GatewayContext) throws(HTTPError) -> String {
        guard let id = context.parameters["event_id"], !id.isEmpty, id.utf8.count <= 64 else {
            throw HTTPError(status: 400, code: "invalid_event_id", message: "The event id is not valid.")
        }
        return id
    }

    static func json(_ event: WebhookEventSummary) -> JSONValue {
        func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.iso8601($0)) } ?? .null }
        return .object([
            "id": .string(event.id), "kind": .string(event.kind), "event": .string(event.event), "account_id": .string(event.accountID),
            "conversation_id": .number(Double(event.conversationID)), "message_id": event.messageID.map { .number(Double($0)) } ?? .null,
            "state": .string(event.state.rawValue), "attempts": .number(Double(event.attempts)), "received_at": time(event.receivedAt),
            "updated_at": time(event.updatedAt), "next_attempt_at": time(event.nextAttemptAt),
            "last_error": event.lastError.map { .string($0) } ?? .null, "outcome": event.outcome.map { .string($0) } ?? .null,
        ])
    }
}
