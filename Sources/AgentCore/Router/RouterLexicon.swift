/// The words and phrases of each intent, folded (lower case, no accents), Spanish (Spain, Mexico, Colombia,
/// Río de la Plata) and English. Phrases weigh more than single words; word beginnings catch inflections.
enum RouterLexicon {
    struct Cues: Sendable {
        /// Whole phrases, matched on word boundaries.
        let phraseSet: PhraseSet
        /// Single words.
        let words: Set<String>
        /// Word beginnings.
        let stems: [String]

        init(phrases: [String] = [], words: Set<String> = [], stems: [String] = []) {
            phraseSet = PhraseSet(phrases)
            self.words = words
            self.stems = stems
        }
    }

    static let sales = Cues(
        phrases: ["cuanto cuesta", "cuanto cuestan", "cuanto sale", "cuanto salen", "cuanto vale", "cuanto valen", "que vale", "que precio",
                  "a como esta", "a como sale", "cual es el precio", "cuanto es", "cuanto seria", "cuanto me sale", "cuanto me cobran",
                  "que cuesta", "en que consiste", "que es el", "que es la", "que es un", "para que sirve", "como funciona", "cuanto dura el efecto",
                  "cuanto dura el resultado", "cuanto duran los resultados", "cuanto tiempo dura", "resultados", "vale la pena", "que diferencia",
                  "how much", "what does it cost", "how much is", "how much are", "how much does", "what is the price", "whats the price",
                  "what is", "how does", "how long does it last", "how long do the results", "is it worth", "difference between", "do you do",
                  "do you offer", "tienen promocion", "hay promocion", "algun descuento", "any discount", "any deals", "que tratamientos",
                  "que me recomiendan", "que me recomiendas", "what do you recommend", "which treatment", "sirve para", "me interesa",
                  "i am interested", "im interested", "quiero informacion", "mas informacion", "more information", "info about", "soy candidata",
                  "soy candidato", "am i a candidate", "es seguro", "is it safe", "duele el", "duele la", "does it hurt", "cuantas sesiones",
                  "how many sessions", "y el de", "y la de", "y los de", "y en", "y para", "para que sirven", "sirven para", "sirve la", "sirve el",
                  "que hace", "what does", "does it work", "work on", "good candidate", "how long does", "how long do", "se quitan", "se quita",
                  "quita las", "quita los", "get rid of", "remove", "mas barato", "more affordable", "cheaper", "que riesgos", "los riesgos",
                  "what are the risks", "the risks", "efectos secundarios", "side effects", "contraindicaciones", "anestesia", "numbing",
                  "se nota", "noticeable", "natural", "ganas de probar", "want to try", "quiero probar", "me gustaria probar", "informacion sobre",
                  "information about", "explicar que es", "what exactly is"],
        words: ["precio", "precios", "cuesta", "cuestan", "coste", "costo", "costos", "tarifa", "tarifas", "valor", "promocion",
                "promociones", "promo", "oferta", "ofertas", "descuento", "descuentos", "pack", "paquete", "bono", "price", "prices", "pricing",
                "cost", "costs", "fee", "fees", "promotion", "offer", "offers", "deal", "discount", "package", "euros", "dolares", "pesos", "barato",
                "caro", "cheap", "expensive", "botox", "toxina", "relleno", "rellenos", "filler", "fillers", "labios", "lips", "peeling", "peel",
                "laser", "mesoterapia", "radiofrecuencia", "hilos", "threads", "hidrafacial", "hydrafacial", "profhilo", "skinbooster",
                "blanqueamiento", "whitening", "ortodoncia", "invisalign", "alineadores", "aligners", "implante", "implantes", "implant", "implants",
                "depilacion", "tratamiento", "tratamientos", "treatment", "treatments", "resultado", "results", "efecto", "candidata", "candidato",
                "deals", "riesgos", "risks", "sesiones", "seciones", "sessions", "sirve", "sirven", "candidate", "rinomodelacion", "cicatrices",
                "scars", "manchas", "arrugas", "wrinkles", "melasma", "ojeras", "flacidez", "thread", "lift", "mesotherapy", "radiofrequency"],
        stems: ["precio", "promoc", "descuent", "hialuron"])

    static let support = Cues(
        phrases: ["a que hora abren", "a que hora cierran", "que horario", "cual es el horario", "horario de atencion", "donde estan",
                  "donde queda", "donde se encuentran", "como llego", "como llegar", "hay parking", "hay estacionamiento", "donde aparco",
                  "formas de pago", "metodos de pago", "puedo pagar", "aceptan tarjeta", "aceptan", "se puede pagar", "pago en cuotas",
                  "a plazos", "factura", "politica de cancelacion", "devuelven", "devolucion", "reembolso", "la senal", "el deposito", "es normal",
                  "puedo hacer deporte", "puedo hacer ejercicio", "puedo ir al gimnasio", "puedo tomar el sol", "puedo maquillarme", "puedo beber",
                  "puedo tomar alcohol", "que cuidados", "cuidados despues", "cuidados posteriores", "antes del tratamiento", "tengo que llevar",
                  "que documentos", "hablan ingles", "hablan espanol", "atienden menores", "menores de edad", "mi hija de", "mi hijo de",
                  "numero de telefono", "su telefono", "su whatsapp", "su correo", "what time do you open", "what time do you close",
                  "opening hours", "business hours", "are you open", "where are you", "where is the clinic", "how do i get", "is there parking",
                  "do you accept", "can i pay", "payment methods", "payment options", "pay in installments", "financing", "invoice", "receipt",
                  "cancellation policy", "refund", "deposit", "is it normal", "can i work out", "can i exercise", "can i go to the gym",
                  "can i drink", "aftercare", "after care", "what should i bring", "do you speak", "under 18", "minors", "phone number",
                  "contact you", "email address", "trabajan los", "abren los", "abren el", "open on", "open saturday", "open sunday",
                  "esta abierto", "estan abiertos", "atienden los", "atienden el", "hasta que hora", "until what time", "sigue abierta",
                  "sigue abierto", "siguen abiertos", "still open", "sigue abierta la clinica", "are you still open today", "your address", "su direccion", "la direccion", "puedo ir a", "can i go",
                  "can i swim", "puedo nadar", "ducharme", "can i shower", "se devuelve", "la sena", "need to bring", "bring anything",
                  "que llevar", "do i need to", "se puede financiar", "can i finance", "financiar", "treat 16", "year olds", "donde queda", "how do i get there",
                  "que hora abren", "abren el", "open on sunday", "opening hours on"],
        words: ["horario", "horarios", "abren", "abiertos", "cierran", "direccion", "ubicacion", "ubicados", "parking", "estacionamiento",
                "aparcamiento", "parqueadero", "parqueaderos", "parqueo", "aparcar", "wifi", "metro", "tarjeta", "tarjetas", "efectivo", "transferencia", "bizum", "financiacion", "financiamiento", "cuotas",
                "factura", "facturas", "reembolso", "devolucion", "seguro", "aseguradora", "hours", "address", "location", "located",
                "cash", "card", "cards", "amex", "visa", "mastercard", "paypal", "insurance", "installments", "invoice", "refund", "policy",
                "policies", "directions", "telefono", "whatsapp", "correo", "email", "contacto", "contact", "idiomas", "languages", "cuidados",
                "recomendaciones", "aftercare", "normal", "gimnasio", "gym", "sol", "sun", "alcohol", "maquillaje", "makeup", "piscina", "pool",
                "playa", "beach", "sena", "senal", "ejercicio", "ejercisio", "exercise", "deporte", "financiar", "finance", "queda"],
        stems: ["horari", "ubicac", "financ", "reembols", "factur", "estacionam", "aparca"])

    static let schedule = Cues(
        phrases: ["quiero reservar", "quisiera reservar", "quiero agendar", "quisiera agendar", "quiero una cita", "quisiera una cita",
                  "quiero pedir cita", "pedir cita", "pedir una cita", "sacar cita", "sacar una cita", "sacar turno", "quiero turno",
                  "quiero un turno", "me das turno", "me dan turno", "me agendan", "me agendas", "agendame", "agendarme", "agendar una",
                  "agendar cita", "reservame", "reservarme", "me reservan", "me apuntan", "apuntame", "me anotan", "anotame", "hacer una reserva",
                  "hacer una cita", "separar una cita", "apartar una cita", "apartar cita", "cambiar mi cita", "cambiar la cita", "mover mi cita",
                  "mover la cita", "reprogramar", "cancelar mi cita", "cancelar la cita", "anular mi cita", "anular la cita", "cancelar el turno",
                  "no voy a poder ir", "no podre ir", "no puedo ir", "me llamo", "mi nombre es", "mi cedula", "mi dni", "mi documento", "mi numero es",
                  "mi telefono es", "mi correo es", "mi email es", "si confirmo", "me pueden ver", "me puede ver", "pueden verme", "que me vea",
                  "me vea la doctora", "me vea el doctor", "me atiendan", "me pueden atender", "can i come in", "can the doctor see me", "can you see me",
                  "see me today", "fit me in", "me dan cita", "get an appointment", "conseguir una cita", "me pueden dar cita", "adelantar", "adelantarla", "bring forward", "move it up", "quiero cancelar",
                  "queria cancelar", "tengo que cancelar", "need to cancel", "want to cancel", "have to cancel", "cancelar la", "cancel next",
                  "move my", "change the date", "cambiar mi", "cambiar la fecha", "works for me", "me viene bien", "me sirve", "me queda bien",
                  "esa hora", "that time works", "that one", "me lo reservas", "reservamelo", "resérvamelo", "book me for", "pedir turno",
                  "para sacar", "me apunto", "confirmo la cita", "confirmo", "esta bien reservalo", "dale reservalo",
                  "reservalo", "agendalo", "book an appointment", "book a", "book me", "i want to book", "id like to book", "i would like to book",
                  "can i book", "could i book", "make an appointment", "schedule an appointment", "schedule me", "set up an appointment",
                  "reschedule", "move my appointment", "change my appointment", "cancel my appointment", "cancel the appointment",
                  "cant make it", "wont be able to come", "my name is", "my phone", "my number is", "my id", "my email is", "yes confirm",
                  "please confirm", "i confirm", "sounds good book it", "book it", "lets do it", "go ahead", "quiero ir el", "quiero ir a las",
                  "para el", "apuntarme", "i'll take", "ill take", "me quedo con", "la de las", "el de las"],
        words: ["reservar", "reserva", "reservacion", "agendar", "agenda", "agendo", "turno", "cita", "citas", "appointment", "booking", "book",
                "reschedule", "cancel", "cancelar", "cancelo", "cancela", "cancelame", "cancelen", "anular", "anulo", "anula", "reprogramar", "confirmo", "confirmar", "confirm", "cedula", "dni",
                "nie", "pasaporte", "passport", "sita"],
        stems: ["reserv", "agend", "reprogram"])

    static let availability = Cues(
        phrases: ["tienen disponible", "tienen disponibilidad", "hay disponibilidad", "que disponibilidad", "tienen hueco", "hay hueco",
                  "algun hueco", "tienen lugar", "hay lugar", "tienen espacio", "hay espacio", "tienen cita", "hay cita", "hay citas", "tienen turno",
                  "hay turno", "hay turnos", "tenes turno", "tenes lugar", "tienen hora", "hay hora", "tienen algo", "hay algo", "tienen para",
                  "que dias", "que dia", "que horas", "a que hora puedo", "que horarios tienen", "cuando tienen", "cuando hay", "cuando puedo ir",
                  "cuando me pueden", "cuando podria", "para cuando", "esta libre", "estan libres", "queda libre", "libre el", "libre para",
                  "puede ser el", "podria ser el", "seria posible el", "les queda", "do you have availability", "any availability", "are you available",
                  "do you have any", "any openings", "any slots", "free slots", "any free", "is there any time", "when can i come", "when are you free",
                  "when is the next", "next available", "earliest", "soonest", "do you have time", "do you have anything", "is friday", "is monday",
                  "is tomorrow", "what times", "what days", "which days", "y el lunes", "y el martes", "y el miercoles", "y el jueves", "y el viernes",
                  "y el sabado", "y manana", "y pasado", "y la semana", "what about", "how about", "horarios libres", "turno libre", "lo mas pronto",
                  "mas pronto", "what else do you have", "what do you have", "que teneis", "que tenes", "que tienen", "anything open", "any gaps",
                  "gaps on", "se puede", "open thurs", "open fri", "next available", "earliest available", "availble", "is there any slot",
                  "any slot today", "algun turno hoy", "algun hueco hoy"],
        words: ["disponible", "disponibles", "disponibilidad", "hueco", "huecos", "libre", "libres", "available", "availability", "openings",
                "opening", "slot", "slots", "free", "huequito", "gaps", "gap", "earliest", "soonest"],
        stems: ["disponib"])

    static func cues(_ intent: Intent) -> Cues {
        switch intent {
        case .sales: return sales
        case .support: return support
        case .schedule: return schedule
        case .availability: return availability
        case .emergency: return Cues()
        }
    }

    /// Phrases count 1.5 (2 for three words or more), words 1 (0.6 for treatment names alone), beginnings 0.8.
    static func score(_ intent: Intent, _ text: RouterText) -> Double {
        let cues = cues(intent)
        var score = 0.0
        for phrase in cues.phraseSet.matches(in: text.words) { score += phrase.count >= 3 ? 2 : 1.5 }
        for word in text.words where cues.words.contains(word) && !(intent == .sales && treatmentNames.contains(word)) { score += 1 }
        if score == 0, text.hasStem(cues.stems) { score += 0.8 }
        return score
    }

    static let treatmentNames: Set<String> = [
        "botox", "toxina", "relleno", "rellenos", "filler", "fillers", "labios", "lips", "peeling", "peel", "laser", "mesoterapia", "radiofrecuencia",
        "hilos", "threads", "hidrafacial", "hydrafacial", "profhilo", "skinbooster", "blanqueamiento", "whitening", "ortodoncia", "invisalign",
        "alineadores", "aligners", "implante", "implantes", "implant", "implants", "depilacion", "tratamiento", "tratamientos", "treatment", "treatments",
        "thread", "lift", "mesotherapy", "radiofrequency", "rinomodelacion", "facial", "limpieza", "skin",
    ]

    static let weekdays: Set<String> = ["lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo", "monday", "tuesday", "wednesday",
                                        "thursday", "friday", "saturday", "sunday", "manana", "tomorrow", "hoy", "today"]

    /// Interactions between intents: a day with a question about a slot is availability (unless it asks about
    /// opening hours); "cita" in a question about free times is availability, not a booking; a question
    /// about the cancellation policy is support; "me cuesta" is difficulty, not price; an appointment word in
    /// a practical question is support; and a treatment named with no other cue is a question about it.
    static func adjust(_ scores: inout [Intent: Double], _ text: RouterText) {
        let mentionsDay = text.words.contains { weekdays.contains($0) } || text.contains("la semana") || text.contains("next week")
        if mentionsDay && text.isQuestion && (scores[.schedule] ?? 0) < 1.5 && (scores[.support] ?? 0) < 1.5 {
            scores[.availability, default: 0] += 0.8
        }
        let asksFree = ["tienen", "hay", "tenes", "teneis", "do you have", "is there", "any"].contains { text.contains($0) }
        if asksFree, (scores[.availability] ?? 0) >= 1, let schedule = scores[.schedule], schedule < 2.5 {
            scores[.schedule] = schedule - 1
        }
        if text.contains("politica de cancelacion") || text.contains("cancellation policy") || text.contains("si cancelo")
            || text.contains("if i cancel") {
            scores[.schedule, default: 0] -= 1.5
            scores[.support, default: 0] += 1
        }
        if ["me cuesta", "le cuesta", "nos cuesta", "te cuesta"].contains(where: { text.contains($0) }) { scores[.sales, default: 0] -= 1 }
        if (scores[.support] ?? 0) >= 1.5, (scores[.schedule] ?? 0) <= 1 { scores[.schedule] = 0 }
        if (scores[.support] ?? 0) >= 1.5, (scores[.availability] ?? 0) <= 1 { scores[.availability] = 0 }
        // A treatment named with no other cue is interest in it.
        let namesTreatment = text.words.contains { treatmentNames.contains($0) }
        if namesTreatment, scores.values.allSatisfy({ $0 < 1 }) { scores[.sales] = 1 }
    }

    /// Whether an assistant message asks for booking data.
    static func asksForData(_ text: RouterText) -> Bool {
        ["nombre completo", "tu nombre", "su nombre", "cedula", "dni", "documento", "telefono", "full name", "your name", "phone number", "id number",
         "confirmas", "confirma", "confirm", "correo", "email"].contains { text.contains($0) }
    }

    /// Whether a message looks like booking data or its confirmation: an ID or phone number, an email, a day
    /// or a time, a name introduction, a yes/no, a correction.
    static func looksLikeBookingData(_ text: RouterText) -> Bool {
        // An ID or phone number, also written in groups ("+34 600 111 222").
        if text.numbers.contains(where: { $0.count >= 6 }) || text.numbers.reduce(0, { $0 + $1.count }) >= 7 || text.hasEmail { return true }
        let confirmations = ["si", "sii", "dale", "ok", "okay", "vale", "perfecto", "correcto", "exacto", "yes", "yep", "sure", "correct", "no",
                             "claro", "confirmo", "listo", "genial"]
        if let first = text.words.first, confirmations.contains(first) { return true }
        // A day or a time ("el próximo jueves a las 11", "mañana 10:30", "friday at 3"): when the booking is for.
        if !text.isQuestion, text.words.contains(where: { weekdays.contains($0) })
            || (!text.numbers.isEmpty && ["las", "at", "am", "pm", "hrs", "h"].contains(where: { text.words.contains($0) })) { return true }
        if text.words.count <= 4, text.words.count >= 2, !text.isQuestion { return true }  // a name
        return ["me llamo", "mi nombre", "soy", "my name", "i am", "im", "es con", "se escribe", "mi apellido"].contains { text.contains($0) }
    }
}
