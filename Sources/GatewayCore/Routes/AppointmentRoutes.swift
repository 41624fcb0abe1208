import Foundation
import HTTPServerCore
import Wire

/// The caller's company's appointments (tenant routes; the agent service checks the tenant again). Times
/// are ISO 8601 with an offset in and out; answers give them in the company's time zone.
enum AppointmentRoutes {
    struct PatientBody: Decodable {
        var fullName: String?
        var idNumber: String?
        var phone: String?
        var email: String?
        var birthDate: String?
        enum CodingKeys: String, CodingKey { case fullName = "full_name", idNumber = "id_number", phone, email, birthDate = "birth_date" }
        var details: PatientDetails { PatientDetails(fullName: fullName, idNumber: idNumber, phone: phone, email: email, birthDate: birthDate) }
    }

    struct BookBody: Decodable {
        var treatment: String
        var start: String
        var patient: PatientBody
        var idempotencyKey: String?
        var notes: String?
        enum CodingKeys: String, CodingKey { case treatment, start, patient, idempotencyKey = "idempotency_key", notes }
    }

    struct RescheduleBody: Decodable { var start: String }

    struct ParseBody: Decodable {
        var text: String
        var now: String?
    }

    static func register(on router: inout Router<GatewayRoute>, upstream: UpstreamCaller) {
        @Sendable func company(_ context: GatewayContext) throws(HTTPError) -> Company {
            guard let company = context.company else { throw HTTPError.internalError() }
            return company
        }
        @Sendable func appointmentID(_ context: GatewayContext) throws(HTTPError) -> String {
            guard let id = context.parameters["id"], !id.isEmpty, id.utf8.count <= 128 else {
                throw HTTPError(status: 400, code: "invalid_appointment_id", message: "The appointment id is not valid.")
            }
            return id
        }

        router.add("GET", "/api/appointments/availability", GatewayRoute(access: .tenant) { request, context in
            let company = try company(context)
            guard let treatment = request.queryValues("treatment").first, !treatment.isEmpty else {
                throw invalid("treatment", "is required")
            }
            let answer = try await upstream.call(.agent, AgentAPI.appointmentAvailability, AvailabilityRequest(
                companyID: company.id, treatment: treatment, from: try date(request, "from"), to: try date(request, "to"),
                day: request.queryValues("day").first, partOfDay: request.queryValues("part_of_day").first,
                limit: try DocumentRoutes.integer(request, "limit", default: 50, in: 1...500)), context: context)
            let zone = TimeZone(identifier: answer.timezone) ?? .gmt
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "treatment": .string(answer.treatment),
                "duration_minutes": .number(Double(answer.durationMinutes)), "timezone": .string(answer.timezone),
                "from": .string(iso(answer.from, zone)), "to": .string(iso(answer.to, zone)), "count": .number(Double(answer.slots.count)),
                "source": .string(answer.source), "note": answer.note.map { .string($0) } ?? .null,
                "slots": .array(answer.slots.map { start in
                    .object(["start": .string(iso(start, zone)),
                             "end": .string(iso(start.addingTimeInterval(Double(answer.durationMinutes) * 60), zone))])
                }),
            ])
        })

        router.add("POST", "/api/appointments", GatewayRoute(access: .tenant, bodyLimit: 64 << 10) { request, context in
            let company = try company(context)
            let body = try JSONBody.decode(BookBody.self, from: request)
            guard let start = parseDate(body.start) else { throw invalid("start", "must be an ISO 8601 time with an offset, e.g. 2026-12-04T16:00:00+01:00") }
            let key = body.idempotencyKey ?? request.headers["Idempotency-Key"]
            let answer = try await upstream.call(.agent, AgentAPI.bookAppointment, BookAppointmentRequest(
                companyID: company.id, treatment: body.treatment, start: start, patient: body.patient.details, idempotencyKey: key,
                notes: body.notes), context: context)
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "appointment": json(answer.appointment, company),
                "replayed": .bool(answer.replayed),
                "message": .string(answer.replayed ? "Appointment already booked with this idempotency key" : "Appointment booked"),
            ], status: answer.replayed ? 200 : 201)
        })

        router.add("GET", "/api/appointments", GatewayRoute(access: .tenant) { request, context in
            let company = try company(context)
            let answer = try await upstream.call(.agent, AgentAPI.listAppointments, ListAppointmentsRequest(
                companyID: company.id, from: try date(request, "from"), to: try date(request, "to"),
                patient: request.queryValues("patient").first.flatMap { $0.isEmpty ? nil : $0 },
                includeCancelled: request.queryValues("include_cancelled").first == "true",
                limit: try DocumentRoutes.integer(request, "limit", default: 200, in: 1...1_000)), context: context)
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "count": .number(Double(answer.appointments.count)),
                "appointments": .array(answer.appointments.map { json($0, company) }),
            ])
        })

        router.add("GET", "/api/appointments/{id}", GatewayRoute(access: .tenant) { _, context in
            let company = try company(context)
            let answer = try await upstream.call(.agent, AgentAPI.getAppointment,
                                                 AppointmentReference(companyID: company.id, appointmentID: try appointmentID(context)), context: context)
            return CompanyJSON.success(["company_id": .string(company.id.rawValue), "appointment": json(answer.appointment, company)])
        })

        router.add("POST", "/api/appointments/{id}/reschedule", GatewayRoute(access: .tenant, bodyLimit: 16 << 10) { request, context in
            let company = try company(context)
            let body = try JSONBody.decode(RescheduleBody.self, from: request)
            guard let start = parseDate(body.start) else { throw invalid("start", "must be an ISO 8601 time with an offset") }
            let answer = try await upstream.call(.agent, AgentAPI.rescheduleAppointment, RescheduleAppointmentRequest(
                companyID: company.id, appointmentID: try appointmentID(context), start: start), context: context)
            return CompanyJSON.success(["company_id": .string(company.id.rawValue), "appointment": json(answer.appointment, company),
                                        "message": .string("Appointment moved")])
        })

        router.add("DELETE", "/api/appointments/{id}", GatewayRoute(access: .tenant) { _, context in
            let company = try company(context)
            let answer = try await upstream.call(.agent, AgentAPI.cancelAppointment,
                                                 AppointmentReference(companyID: company.id, appointmentID: try appointmentID(context)), context: context)
            return CompanyJSON.success(["company_id": .string(company.id.rawValue), "appointment": json(answer.appointment, company),
                                        "message": .string("Appointment cancelled")])
        })

        router.add("POST", "/api/appointments/parse-datetime", GatewayRoute(access: .tenant, bodyLimit: 16 << 10) { request, context in
            let company = try company(context)
            let body = try JSONBody.decode(ParseBody.self, from: request)
            var now: Date?
            if let text = body.now {
                guard let parsed = parseDate(text) else { throw invalid("now", "must be an ISO 8601 time with an offset") }
                now = parsed
            }
            let answer = try await upstream.call(.agent, AgentAPI.parseDateTime, ParseDateTimeRequest(companyID: company.id, text: body.text, now: now),
                                                 context: context)
            let zone = TimeZone(identifier: answer.timezone) ?? .gmt
            func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
            return CompanyJSON.success([
                "company_id": .string(company.id.rawValue), "text": .string(body.text), "understood": .bool(answer.understood),
                "date": optional(answer.date), "time": optional(answer.time), "part_of_day": optional(answer.partOfDay),
                "start": optional(answer.start.map { iso($0, zone) }), "end": optional(answer.end.map { iso($0, zone) }),
                "ambiguous": .bool(answer.ambiguous), "ambiguities": .array(answer.ambiguities.map { .string($0) }), "past": .bool(answer.past),
                "matched": .array(answer.matched.map { .string($0) }), "timezone": .string(answer.timezone), "now": .string(iso(answer.now, zone)),
            ])
        })
    }

    // MARK: Helpers

    static func invalid(_ field: String, _ problem: String) -> HTTPError {
        HTTPError(status: 422, code: "validation_failed", message: "The request has invalid fields.", details: ["fields": .object([field: .string(problem)])])
    }

    /// An ISO 8601 time with an offset (fractional seconds allowed).
    static func parseDate(_ text: String) -> Date? {
        guard text.count <= 64 else { return nil }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    static func date(_ request: HTTPRequest, _ name: String) throws(HTTPError) -> Date? {
        guard let text = request.queryValues(name).first, !text.isEmpty else { return nil }
        if let date = parseDate(text) { return date }
        throw HTTPError(status: 400, code: "invalid_parameter", message: "\(name) must be an ISO 8601 time with an offset.")
    }

    /// `date` in `zone`, ISO 8601 with that zone's offset.
    static func iso(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        return formatter.string(from: date)
    }

    static func json(_ appointment: Appointment, _ company: Company) -> JSONValue {
        let zone = TimeZone(identifier: company.timezone) ?? .gmt
        func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        let patient = appointment.patient
        return .object([
            "id": .string(appointment.id), "treatment": .string(appointment.treatment), "start": .string(iso(appointment.start, zone)),
            "end": .string(iso(appointment.end, zone)), "room": .number(Double(appointment.room)), "status": .string(appointment.status.rawValue),
            "confirmation_code": .string(appointment.confirmationCode), "idempotency_key": optional(appointment.idempotencyKey),
            "notes": optional(appointment.notes), "created_at": .string(iso(appointment.createdAt, zone)),
            "updated_at": .string(iso(appointment.updatedAt, zone)), "cancelled_at": optional(appointment.cancelledAt.map { iso($0, zone) }),
            "late_cancellation": .bool(appointment.lateCancellation),
            "patient": .object(["full_name": optional(patient.fullName), "id_number": optional(patient.idNumber), "phone": optional(patient.phone),
                                "email": optional(patient.email), "birth_date": optional(patient.birthDate)]),
        ])
    }
}
