import AppointmentsCore
import Foundation
import TextFolding
import TenantStorage
import Wire

/// The schedule agent's booking conversation, across turns: it collects the treatment, the start and the
/// company's required patient fields from what the patient writes (corrections included: "no, mi cédula es
/// …"), keeps them in the conversation's memory, reads them back for confirmation, and books on a "yes",
/// giving the confirmation code. Cancelling ("cancela mi cita") cancels the conversation's last booking.
struct BookingConversation: Sendable {
    let book: AppointmentBook
    let memory: any ConversationStore
    let policy: MemoryPolicy

    /// The idempotency key of a chat booking: `chat-<user id>-<start, ISO 8601>`. A repeated "yes" books once,
    /// and a patient's erasure finds the appointments their conversation booked by it.
    static func idempotencyKey(userID: String, start: String) -> String { keyPrefix(userID: userID) + start }

    static func keyPrefix(userID: String) -> String { "chat-\(userID)-" }

    /// Whether `key` is one of `userID`'s chat bookings (and not of a user whose id merely starts the same way:
    /// what follows the prefix must be the start).
    static func isChatBooking(_ key: String?, of userID: String) -> Bool {
        guard let key, key.hasPrefix(keyPrefix(userID: userID)) else { return false }
        return ISO8601DateFormatter().date(from: String(key.dropFirst(keyPrefix(userID: userID).count))) != nil
    }

    /// The schedule agent's reply; `booked` becomes true when this message booked an appointment.
    func reply(to message: String, userID: String, collected: [String: String], context: [RouterTurn], company: Company, scope: TenantScope, language: String,
               now: Date, booked bookedNow: inout Bool) async throws(ConversationStoreError) -> String {
        let en = language == "en"
        var data = collected
        let text = RouterText(message)
        let zone = TimeZone(identifier: company.timezone) ?? .gmt

        if text.hasStem(["cancel", "anul"]), let id = data["appointment_id"] {
            let failure: String?
            do throws(AppointmentError) {
                _ = try await book.cancel(AppointmentReference(companyID: company.id, appointmentID: id), company: company, scope: scope)
                failure = nil
            } catch {
                failure = error.rpcError.message
            }
            if let failure { return failure }
            try await memory.setCollectedData([:], userID: userID, policy: policy, at: now, in: scope)
            return en ? "Done: your appointment is cancelled." : "Listo: tu cita está cancelada."
        }
        let understood = DateTimeParser(timeZone: zone).interpret(message, now: now)
        // Moving the conversation's booking to the new time it names.
        if let id = data["appointment_id"], text.hasStem(["cambi", "mover", "muev", "reprogram", "change", "move", "reschedul", "pasar"]),
           let start = understood.start, understood.time != nil {
            let outcome: Result<AppointmentAnswer, AppointmentError>
            do throws(AppointmentError) {
                outcome = .success(try await book.reschedule(RescheduleAppointmentRequest(companyID: company.id, appointmentID: id, start: start),
                                                             company: company, scope: scope))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let moved):
                return en ? "Done: your appointment is now on \(Self.format(moved.appointment.start, zone, en)). Code \(moved.appointment.confirmationCode)."
                    : "Listo: tu cita queda el \(Self.format(moved.appointment.start, zone, en)). Código \(moved.appointment.confirmationCode)."
            case .failure(let error):
                return error.rpcError.message + (en ? ". Shall we try another time?" : ". ¿Probamos otro horario?")
            }
        }
        let rules = book.bookingRules(company)
        if let treatment = rules?.treatment(named: message) { data["treatment"] = treatment.name }
        if let start = understood.start, understood.time != nil, !understood.past {
            data["start"] = ISO8601DateFormatter().string(from: start)
        } else if let date = understood.date, understood.time == nil, data["start"] == nil {
            data["day"] = date
        }
        for (field, value) in Self.patientFields(in: message) { data[field] = value }

        let required = company.booking?.requiredPatientFields ?? BookingSettings().requiredPatientFields
        let confirming = data["awaiting_confirmation"] == "1"
        if confirming, Self.isYes(text) {
            guard let treatment = data["treatment"], let startText = data["start"], let start = ISO8601DateFormatter().date(from: startText) else {
                data["awaiting_confirmation"] = nil
                try await memory.setCollectedData(data, userID: userID, policy: policy, at: now, in: scope)
                return en ? "Which treatment and time would you like?" : "¿Qué tratamiento y a qué hora te gustaría?"
            }
            let patient = PatientDetails(fullName: data["full_name"], idNumber: data["id_number"], phone: data["phone"], email: data["email"],
                                         birthDate: data["birth_date"])
            let outcome: Result<AppointmentAnswer, AppointmentError>
            do throws(AppointmentError) {
                outcome = .success(try await book.book(BookAppointmentRequest(companyID: company.id, treatment: treatment, start: start, patient: patient,
                                                                               idempotencyKey: Self.idempotencyKey(userID: userID, start: startText)), company: company, scope: scope))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let booked):
                try await memory.setCollectedData(["appointment_id": booked.appointment.id], userID: userID, policy: policy, at: now, in: scope)
                bookedNow = true
                return en ? "Booked! \(treatment) on \(Self.format(start, zone, en)). Your confirmation code is \(booked.appointment.confirmationCode)."
                    : "¡Reservado! \(treatment) el \(Self.format(start, zone, en)). Tu código de confirmación es \(booked.appointment.confirmationCode)."
            case .failure(let error):
                data["awaiting_confirmation"] = nil
                if case .slotTaken = error { data["start"] = nil }
                try await memory.setCollectedData(data, userID: userID, policy: policy, at: now, in: scope)
                return error.rpcError.message + (en ? ". Shall we pick another time?" : ". ¿Buscamos otro horario?")
            }
        }
        data["awaiting_confirmation"] = nil
        var question: String?
        if data["treatment"] == nil {
            question = en ? "Which treatment would you like to book?" : "¿Qué tratamiento quieres reservar?"
        } else if data["start"] == nil {
            question = en ? "What day and time suit you?" : "¿Qué día y a qué hora te viene bien?"
        } else if let missing = required.first(where: { data[$0] == nil }) {
            question = en ? "Could you give me your \(Self.fieldName(missing, en))?" : "¿Me indicas tu \(Self.fieldName(missing, en))?"
        }
        if question == nil, let startText = data["start"], let start = ISO8601DateFormatter().date(from: startText), let treatment = data["treatment"] {
            data["awaiting_confirmation"] = "1"
            let who = required.compactMap { field in data[field].map { "\(Self.fieldName(field, en)): \($0)" } }.joined(separator: ", ")
            question = en ? "Let me confirm: \(treatment) on \(Self.format(start, zone, en)) for \(who). Shall I book it?"
                : "Te confirmo: \(treatment) el \(Self.format(start, zone, en)) para \(who). ¿Lo reservo?"
        }
        try await memory.setCollectedData(data, userID: userID, policy: policy, at: now, in: scope)
        return question ?? (en ? "How can I help with your appointment?" : "¿En qué te ayudo con tu cita?")
    }

    static func isYes(_ text: RouterText) -> Bool {
        guard let first = text.words.first else { return false }
        return ["si", "sii", "dale", "ok", "okay", "vale", "perfecto", "correcto", "claro", "confirmo", "reservalo", "yes", "yep", "sure",
                "correct", "confirm", "book"].contains(first) || text.contains("de acuerdo") || text.contains("go ahead")
    }

    static func fieldName(_ field: String, _ en: Bool) -> String {
        switch field {
        case "full_name": return en ? "full name" : "nombre completo"
        case "id_number": return en ? "ID number" : "número de documento"
        case "phone": return en ? "phone number" : "teléfono"
        case "email": return en ? "email" : "correo"
        default: return en ? "date of birth" : "fecha de nacimiento"
        }
    }

    static func format(_ date: Date, _ zone: TimeZone, _ en: Bool) -> String {
        SlotWording(zone: zone, english: en).text(date, joined: true)
    }

    /// Patient fields a message states: a name after "me llamo", "mi nombre es", "soy", "my name is", "I'm";
    /// an ID number next to cédula/DNI/documento/ID (or a 6–12 digit number otherwise); a phone (a number
    /// with a "+", or next to teléfono/celular/phone); an email.
    static func patientFields(in message: String) -> [String: String] {
        var fields: [String: String] = [:]
        let folded = LatinFolding.folded(message)
        let original = message.split(whereSeparator: \.isWhitespace).map(String.init)
        let lowered = original.map(LatinFolding.folded)
        let introductions: [[String]] = [["me", "llamo"], ["mi", "nombre", "es"], ["my", "name", "is"], ["soy"], ["i'm"], ["im"]]
        for introduction in introductions {
            var found: Int?
            for index in lowered.indices where index + introduction.count <= lowered.count {
                if Array(lowered[index..<(index + introduction.count)]) == introduction {
                    found = index
                    break
                }
            }
            guard let start = found else { continue }
            let name = original[(start + introduction.count)...].prefix(4).prefix { word in
                word.first?.isUppercase == true && word.allSatisfy { $0.isLetter || "-'.,".contains($0) }
            }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",.")) }
            if name.count >= 2 { fields["full_name"] = name.joined(separator: " ") }
            break
        }
        if fields["full_name"] == nil {
            // A bare name: two to four capitalised words that open the message.
            let leading = original.prefix(4).prefix { $0.first?.isUppercase == true && $0.trimmingCharacters(in: CharacterSet(charactersIn: ",.")).allSatisfy(\.isLetter) }
            if leading.count >= 2 { fields["full_name"] = leading.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",.")) }.joined(separator: " ") }
        }
        if let email = original.first(where: { $0.contains("@") && $0.contains(".") }) {
            fields["email"] = email.trimmingCharacters(in: CharacterSet(charactersIn: ",;"))
        }
        // Numbers with what names them.
        let idWords = ["cedula", "dni", "documento", "identificacion", "pasaporte", "id", "nie", "cc"]
        let phoneWords = ["telefono", "celular", "movil", "phone", "whatsapp", "numero de contacto", "tel"]
        var groups: [(digits: String, plus: Bool, before: String)] = []
        var current = "", plus = false, start = folded.startIndex
        for index in folded.indices {
            let character = folded[index]
            if character.isNumber && character.isASCII {
                if current.isEmpty {
                    start = index
                    plus = index > folded.startIndex && folded[folded.index(before: index)] == "+"
                }
                current.append(character)
            } else if !current.isEmpty && (character == " " || character == "-" || character == ".") && folded.index(after: index) < folded.endIndex
                        && folded[folded.index(after: index)].isNumber && plus {
                continue
            } else if !current.isEmpty {
                groups.append((current, plus, String(folded[folded.startIndex..<start].suffix(24))))
                current = ""
            }
        }
        if !current.isEmpty { groups.append((current, plus, String(folded[folded.startIndex..<start].suffix(24)))) }
        for group in groups where group.digits.count >= 6 {
            let before = group.before
            if group.plus || phoneWords.contains(where: { before.contains($0) }) || (group.digits.count >= 9 && fields["id_number"] != nil) {
                fields["phone"] = group.digits
            } else if idWords.contains(where: { before.contains($0) }) || fields["id_number"] == nil {
                fields["id_number"] = group.digits
            } else {
                fields["phone"] = group.digits
            }
        }
        return fields
    }
}
