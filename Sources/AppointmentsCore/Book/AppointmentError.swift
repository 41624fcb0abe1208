import Wire

/// Why an appointment operation failed, with the product error code the API answers with.
public enum AppointmentError: Error, Sendable, Equatable, RPCErrorConvertible {
    case unknownCompany(CompanyID)
    case unknownTreatment(String)
    case slotTaken
    /// The start is not offered: `outside_hours`, `past_time`, `too_soon` or `beyond_horizon`, with why.
    case unavailableStart(code: String, message: String)
    case missingPatientFields([String])
    /// Inside the cancellation window, and the company does not allow late changes.
    case cancellationWindow(String)
    case notFound(String)
    case invalidArgument(String)
    case unavailable(String)
    /// The company's schedule service does not answer and its fallback is a person.
    case scheduleServiceUnavailable(String)

    public var rpcError: RPCError {
        switch self {
        case .unknownCompany(let id): return RPCError(.notFound, "unknown company '\(id)'")
        case .unknownTreatment(let name):
            return RPCError(.invalidArgument, "'\(name.prefix(100))' is not a treatment of this clinic", errorCode: "unknown_treatment")
        case .slotTaken: return RPCError(.alreadyExists, "that time has just been taken; choose another", errorCode: "slot_taken")
        case .unavailableStart(let code, let message): return RPCError(.invalidArgument, message, errorCode: code)
        case .missingPatientFields(let fields):
            return RPCError(.invalidArgument, "the booking needs: \(fields.joined(separator: ", "))", errorCode: "missing_patient_fields")
        case .cancellationWindow(let message): return RPCError(.failedPrecondition, message, errorCode: "cancellation_window")
        case .notFound(let id): return RPCError(.notFound, "no appointment '\(id.prefix(100))'", errorCode: "appointment_not_found")
        case .invalidArgument(let message): return RPCError(.invalidArgument, message)
        case .unavailable(let message): return RPCError(.unavailable, message)
        case .scheduleServiceUnavailable(let message): return RPCError(.unavailable, message, errorCode: "schedule_service_unavailable")
        }
    }
}
