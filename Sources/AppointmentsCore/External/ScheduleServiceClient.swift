import Foundation
import HTTPClient
import Synchronization

/// Why the external schedule service could not answer.
public struct ScheduleServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What `POST /schedule-request` answered.
public struct ScheduleServiceReply: Sendable, Equatable {
    public var success: Bool
    public var requiresMoreInfo: Bool
    public var response: String
    /// The `appointment_data` object, as JSON text, when there is one.
    public var appointmentDataJSON: String?
}

/// The original system's external schedule service (`schedule_service_url`), through the shared HTTP client:
/// `GET /health`, `POST /check-availability {"date":"DD-MM-YYYY"}` → `{"success", "data": {"available_slots":
/// ["HH:MM" | {"time": "HH:MM"}]}}`, and `POST /schedule-request {"message", "user_id", "chat_history"}`.
///
/// Health is cached per service for ``Settings/healthTTL`` (the original probed it for every message); a
/// failed call marks the service unhealthy at once, so the next caller goes to the fallback without waiting
/// for a timeout. Every call has a time limit and a response size limit.
public final class ScheduleServiceClient: Sendable {
    public struct Settings: Sendable {
        public var healthTimeout: Duration = .seconds(3)
        public var requestTimeout: Duration = .seconds(10)
        public var healthTTL: Duration = .seconds(30)
        public init() {}
    }

    private let client: HTTPClient
    public let settings: Settings
    private let health = Mutex<[String: (healthy: Bool, checked: ContinuousClock.Instant)]>([:])

    public init(client: HTTPClient, settings: Settings = Settings()) {
        self.client = client
        self.settings = settings
    }

    static func base(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }

    /// Whether the service answered `GET /health` with 200, as of at most ``Settings/healthTTL`` ago.
    public func isHealthy(_ baseURL: String) async -> Bool {
        let base = Self.base(baseURL)
        if let cached = health.withLock({ $0[base] }), ContinuousClock.now - cached.checked < settings.healthTTL { return cached.healthy }
        let request = HTTPClientRequest(method: "GET", url: base + "/health", timeout: settings.healthTimeout, connectTimeout: settings.healthTimeout,
                                        maximumResponseBytes: 64 * 1024)
        let healthy = ((try? await client.execute(request))?.status ?? 0) == 200
        record(base, healthy: healthy)
        return healthy
    }

    func record(_ base: String, healthy: Bool) {
        health.withLock { $0[base] = (healthy, ContinuousClock.now) }
    }

    /// The free times (`HH:MM`, local to the clinic) the service lists for one day.
    public func availableTimes(year: Int, month: Int, day: Int, baseURL: String) async throws(ScheduleServiceError) -> [String] {
        let date = String(format: "%02d-%02d-%04d", day, month, year)
        let object = try await post(baseURL, "/check-availability", ["date": date])
        guard object["success"] as? Bool != false, let data = object["data"] as? [String: Any],
              let slots = data["available_slots"] as? [Any] else {
            throw ScheduleServiceError("the schedule service's answer has no data.available_slots")
        }
        return slots.compactMap { slot -> String? in
            let text = (slot as? String) ?? ((slot as? [String: Any])?["time"] as? String)
            guard let text, Self.isClockTime(text) else { return nil }
            return text.count == 4 ? "0" + text : text
        }
    }

    /// Forwards a patient's scheduling message, as the original did.
    public func scheduleRequest(message: String, userID: String, history: [(content: String, fromPatient: Bool)],
                                baseURL: String) async throws(ScheduleServiceError) -> ScheduleServiceReply {
        let object = try await post(baseURL, "/schedule-request", [
            "message": message, "user_id": userID,
            "chat_history": history.map { ["content": $0.content, "type": $0.fromPatient ? "human" : "ai"] },
        ])
        let data = (object["appointment_data"] as? [String: Any]).flatMap { try? JSONSerialization.data(withJSONObject: $0) }
        return ScheduleServiceReply(success: object["success"] as? Bool ?? false, requiresMoreInfo: object["requires_more_info"] as? Bool ?? false,
                                    response: object["response"] as? String ?? "", appointmentDataJSON: data.map { String(decoding: $0, as: UTF8.self) })
    }

    private func post(_ baseURL: String, _ path: String, _ body: [String: Any]) async throws(ScheduleServiceError) -> [String: Any] {
        let base = Self.base(baseURL)
        guard let payload = try? JSONSerialization.data(withJSONObject: body) else { throw ScheduleServiceError("cannot encode the request") }
        var request = HTTPClientRequest(method: "POST", url: base + path, body: [UInt8](payload), timeout: settings.requestTimeout,
                                        connectTimeout: settings.healthTimeout, maximumResponseBytes: 1 << 20)
        request.addHeader("Content-Type", "application/json")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            record(base, healthy: false)
            throw ScheduleServiceError("the schedule service could not be reached: \(error)")
        }
        guard response.status == 200 else {
            record(base, healthy: false)
            throw ScheduleServiceError("the schedule service answered \(response.status)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
            throw ScheduleServiceError("the schedule service's answer is not a JSON object")
        }
        return object
    }

    static func isClockTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), parts[1].count == 2 else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute)
    }
}
