import Foundation
import HTTPServerCore
import TenantStorage
import Wire
import WireRPC

/// The agent service's side of `POST /api/webhook/chatwoot`: checks the delivery's signature with the
/// company's secret, reads what the event means and stores it in the inbox before answering, so the
/// answer Chatwoot gets (within milliseconds) means the event is durable. Processing happens later, in
/// the ``WebhookProcessor``.
public struct WebhookIntake: Sendable {
    /// The largest body accepted (the gateway refuses larger ones first, with 413).
    public static let maximumBodyBytes = 256 << 10

    let inbox: any WebhookInbox
    /// The company's webhook secret (from the config service, cached until the configuration changes).
    let secret: @Sendable (CompanyID) async throws(RPCError) -> String?
    let clock: @Sendable () -> Date
    /// Called after an event is stored, to wake the processor.
    let stored: @Sendable () -> Void

    public init(inbox: any WebhookInbox, secret: @escaping @Sendable (CompanyID) async throws(RPCError) -> String?,
                clock: @escaping @Sendable () -> Date = { Date() }, stored: @escaping @Sendable () -> Void = {}) {
        self.inbox = inbox
        self.secret = secret
        self.clock = clock
        self.stored = stored
    }

    /// Checks, classifies and stores one delivery for `company`.
    ///
    /// Signatures: required when the company says so (`unauthenticated`, error code `invalid_signature`,
    /// when missing, stale or wrong, or when no secret is configured to check them with); when not
    /// required, a signature that is sent is still checked if the company has a secret. Malformed JSON is
    /// `invalidArgument` (`malformed_json`). Nothing is stored in either case.
    public func accept(_ request: AcceptWebhookRequest, company: Company, scope: TenantScope) async throws(RPCError) -> AcceptWebhookResponse {
        guard request.body.count <= Self.maximumBodyBytes else {
            throw RPCError(.outOfRange, "the webhook body exceeds \(Self.maximumBodyBytes) bytes", errorCode: "payload_too_large")
        }
        let settings = company.chatwoot ?? ChatwootSettings()
        let now = clock()
        if settings.signatureRequired || request.signature != nil {
            let secret = try await secret(company.id) ?? ""
            if secret.isEmpty {
                if settings.signatureRequired {
                    throw RPCError(.unauthenticated, "company '\(company.id)' requires signed webhooks but has no webhook secret configured",
                                   errorCode: "invalid_signature")
                }
            } else {
                do {
                    try ChatwootSignature.verify(body: request.body, signature: request.signature, timestamp: request.timestamp, secret: secret, now: now)
                } catch {
                    throw RPCError(.unauthenticated, "webhook signature refused: \(error.rawValue.replacingOccurrences(of: "_", with: " "))",
                                   errorCode: "invalid_signature")
                }
            }
        }
        let payload: JSONValue
        do {
            payload = try JSONParser.parse(request.body)
        } catch {
            throw RPCError(.invalidArgument, "the webhook body is not valid JSON (byte \(error.offset): \(error.reason))", errorCode: "malformed_json")
        }
        switch ChatwootEvent.classify(payload, body: request.body, accountID: request.accountID) {
        case .ignore(let reason):
            return AcceptWebhookResponse(status: "ignored", reason: reason)
        case .process(let event):
            let acceptance: InboxAcceptance
            do {
                acceptance = try await inbox.accept(event, body: request.body, at: now, in: scope)
            } catch {
                throw RPCError(.unavailable, "the webhook inbox cannot store the event: \(error.message)", errorCode: "inbox_unavailable")
            }
            switch acceptance {
            case .stored(let id):
                stored()
                return AcceptWebhookResponse(status: "accepted", eventID: id)
            case .duplicate(let id):
                return AcceptWebhookResponse(status: "ignored", eventID: id, reason: "duplicate delivery of an event already accepted")
            }
        }
    }
}
