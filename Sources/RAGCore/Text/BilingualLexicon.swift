/// Spanish and English words of the clinic domain grouped by meaning, so that a patient's words meet a
/// document's words when they differ: across languages (`price` / `precio`), and between everyday and
/// written Spanish (`cuesta` / `tarifa`, `moratón` / `hematoma`).
///
/// Each group is a concept; a content word whose stem belongs to a group also yields the group's concept
/// term, at indexing and at query time alike, in the keyword index and in the built-in embedder. The
/// groups are general vocabulary of aesthetic, medical-spa and dental clinics and of booking, paying and
/// opening hours; they are part of the method (like a stemmer's rules), not of any evaluation set.
enum BilingualLexicon {
    static let groups: [[String]] = [
        ["price", "cost", "fee", "rate", "expensive", "cheap", "precio", "coste", "costo", "cuesta", "cuestan", "cuanto", "cuantos",
         "tarifa", "importe", "euros", "barato", "caro", "pagar"],
        ["appointment", "booking", "book", "reservation", "consultation", "cita", "reserva", "reservar", "consulta", "turno", "agendar"],
        ["session", "sessions", "sesion", "sesiones"],
        ["cancel", "cancellation", "cancelled", "canceled", "reschedule", "postpone", "cancelar", "cancelacion", "anular", "anulacion",
         "reprogramar", "aplazar", "cambiar"],
        ["deposit", "refund", "refundable", "reimbursement", "advance", "senal", "deposito", "reembolso", "devolucion", "devolver",
         "anticipo", "reembolsable"],
        ["payment", "pay", "installment", "installments", "financing", "finance", "card", "cash", "pago", "pagar", "plazos",
         "financiacion", "financiar", "tarjeta", "efectivo", "bizum", "transferencia"],
        ["insurance", "insurer", "seguro", "aseguradora", "mutua"],
        ["hours", "open", "opening", "timetable", "closed", "close", "horario", "horarios", "abierto", "abrimos", "abren", "abris",
         "apertura", "cerrado", "cierra", "cerramos"],
        ["monday", "lunes"], ["tuesday", "martes"], ["wednesday", "miercoles"], ["thursday", "jueves"], ["friday", "viernes"],
        ["saturday", "sabado", "sabados"], ["sunday", "domingo", "domingos"],
        ["weekend", "weekends", "finde"],
        ["holiday", "holidays", "festivo", "festivos", "vacaciones", "puente"],
        ["address", "location", "located", "directions", "street", "direccion", "ubicacion", "situado", "situada", "calle", "llegar"],
        ["parking", "car", "aparcamiento", "aparcar", "parking", "coche"],
        ["metro", "subway", "bus", "transport", "transporte", "autobus"],
        ["wrinkle", "wrinkles", "lines", "arruga", "arrugas", "lineas", "expresion"],
        ["forehead", "frente"], ["crow", "patas", "gallo"], ["frown", "entrecejo", "ceno"],
        ["botox", "botulinum", "toxin", "toxina", "botulinica", "neuromodulador"],
        ["filler", "fillers", "hyaluronic", "relleno", "rellenos", "hialuronico", "acido"],
        ["lip", "lips", "labio", "labios"],
        ["cheek", "cheekbones", "pomulo", "pomulos"], ["chin", "jaw", "jawline", "menton", "mandibula", "papada"],
        ["eye", "eyes", "dark circles", "ojeras", "ojo", "ojos", "parpado"],
        ["hair", "removal", "waxing", "depilacion", "depilar", "vello", "pelo"],
        ["legs", "leg", "piernas", "pierna"], ["armpit", "armpits", "underarm", "axila", "axilas"],
        ["skin", "piel", "cutis", "dermis"],
        ["face", "facial", "cara", "rostro", "facial"],
        ["peel", "peeling", "exfoliation", "exfoliacion", "exfoliar"],
        ["pain", "hurt", "hurts", "painful", "discomfort", "sore", "dolor", "duele", "doloroso", "molestia", "molestias"],
        ["swelling", "swollen", "inflammation", "inflamed", "hinchazon", "inflamacion", "hinchado", "hinchada", "edema"],
        ["bruise", "bruising", "hematoma", "moraton", "morado", "cardenal"],
        ["redness", "red", "rojez", "enrojecimiento", "eritema"],
        ["allergy", "allergic", "reaction", "rash", "hives", "itching", "alergia", "alergico", "alergica", "reaccion", "urticaria",
         "sarpullido", "picor"],
        ["emergency", "urgent", "urgency", "emergencies", "urgencia", "urgencias", "emergencia", "urgente"],
        ["breathe", "breathing", "respirar", "respiracion", "ahogo"],
        ["fever", "infection", "pus", "fiebre", "infeccion"],
        ["doctor", "physician", "dentist", "specialist", "surgeon", "medico", "medica", "doctora", "dentista", "especialista", "cirujano"],
        ["nurse", "enfermera", "enfermero"],
        ["pregnant", "pregnancy", "breastfeeding", "nursing", "embarazo", "embarazada", "lactancia", "amamantar"],
        ["sun", "sunbathing", "tanning", "tan", "sunscreen", "sol", "solar", "bronceado", "broncearse", "protector"],
        ["contraindication", "contraindications", "contraindicated", "risk", "risks", "contraindicacion", "contraindicado", "riesgo", "riesgos"],
        ["side", "effects", "secundarios", "adversos"],
        ["aftercare", "after", "recovery", "downtime", "cuidados", "despues", "posterior", "posteriores", "recuperacion", "postratamiento"],
        ["before", "preparation", "prepare", "antes", "preparacion", "previo", "previos", "preparar"],
        ["avoid", "forbidden", "evitar", "prohibido", "abstenerse"],
        ["duration", "long", "lasts", "last", "minutes", "duracion", "dura", "duran", "minutos", "tarda", "tarda"],
        ["result", "results", "effect", "lasting", "resultado", "resultados", "efecto", "efectos"],
        ["child", "children", "kid", "kids", "son", "daughter", "nino", "ninos", "nina", "infantil", "hijo", "hija", "pediatrico"],
        ["tooth", "teeth", "diente", "dientes", "dentadura", "muela", "muelas"],
        ["whitening", "whiten", "white", "blanqueamiento", "blanquear", "blanco", "blancos"],
        ["braces", "orthodontics", "orthodontic", "aligners", "invisalign", "ortodoncia", "brackets", "alineadores", "ferulas"],
        ["implant", "implants", "implante", "implantes"],
        ["root", "canal", "endodontics", "endodoncia", "conducto", "nervio", "matar"],
        ["gum", "gums", "encia", "encias", "periodoncia"],
        ["cleaning", "hygiene", "limpieza", "higiene", "profilaxis"],
        ["broken", "knocked", "chipped", "fracture", "trauma", "roto", "rota", "fractura", "golpe", "traumatismo", "partido", "partida"],
        ["bleeding", "blood", "sangrado", "sangre", "sangra", "sangrar"],
        ["free", "complimentary", "gratis", "gratuito", "gratuita"],
        ["discount", "offer", "promotion", "package", "descuento", "oferta", "promocion", "paquete"],
        ["voucher", "gift", "bono", "vale", "regalo"],
        ["age", "minor", "underage", "edad", "menor", "menores"],
        ["anesthesia", "anaesthesia", "numbing", "anesthetic", "anestesia", "anestesico", "crema"],
        ["needle", "injection", "injections", "inject", "injectable", "injectables", "aguja", "inyeccion", "inyectar", "pinchazo", "inyectables"],
        ["thread", "threads", "lift", "lifting", "hilos", "tensores", "lifting"],
        ["sagging", "firmness", "tighten", "tightening", "flacidez", "firmeza", "tensar", "reafirmar", "descolgado"],
        ["fat", "cellulite", "grasa", "celulitis", "adiposidad"],
        ["scar", "scars", "acne", "cicatriz", "cicatrices", "acne"],
        ["spot", "spots", "pigmentation", "melasma", "mancha", "manchas", "pigmentacion"],
        ["shave", "shaving", "razor", "afeitar", "rasurar", "cuchilla"],
        ["exercise", "gym", "sport", "workout", "ejercicio", "gimnasio", "deporte"],
        ["alcohol", "drink", "drinking", "beber", "alcohol"],
        ["makeup", "maquillaje", "maquillarse"],
        ["sauna", "pool", "swimming", "swim", "piscina", "nadar", "bano"],
        ["flight", "fly", "flying", "travel", "plane", "vuelo", "volar", "viaje", "viajar", "avion"],
        ["english", "speak", "language", "ingles", "idioma", "hablan"],
        ["late", "delay", "tarde", "retraso", "retrasar", "impuntualidad"],
        ["phone", "call", "telephone", "telefono", "llamar", "llamada"],
        ["email", "correo", "mail"],
        ["week", "weeks", "semana", "semanas"], ["month", "months", "mes", "meses"], ["day", "days", "dia", "dias"],
        ["year", "years", "ano", "anos"], ["hour", "hora", "horas"],
    ]

    /// Stem hash → the groups (positions in ``groups``) it belongs to.
    static let groupsByStem: [UInt64: [Int]] = {
        var map: [UInt64: [Int]] = [:]
        for (position, group) in groups.enumerated() {
            for word in group {
                let bytes = Array(TextFolding.fold(word).utf8)
                guard !bytes.isEmpty, !bytes.contains(0x20) else { continue }
                let stem = TermHash.of(bytes[..<LightStemmer.stemLength(bytes)])
                if map[stem]?.contains(position) != true { map[stem, default: []].append(position) }
            }
        }
        return map
    }()

    /// Stem hash → the concept terms (one per group) it belongs to.
    static let concepts: [UInt64: [UInt64]] = groupsByStem.mapValues { positions in
        positions.map { TermHash.combine(0xC0_4CE9_7000 + UInt64($0), 0xB11_1A6A) }
    }
}
