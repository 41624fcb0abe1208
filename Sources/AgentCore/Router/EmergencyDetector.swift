/// Deterministic emergency detection, run before any other classification and never outvoted by it.
///
/// A message is an emergency when it describes:
/// - a **red-flag** symptom on its own (breathing, throat or tongue swelling, vision, skin turning white,
///   grey, purple or blue, fainting, spreading redness with fever, pus, necrosis), or an explicit urgency word
///   with a body or treatment word; or
/// - a **symptom** (swelling, pain, blisters, burns, bleeding, lumps, numbness, heat…) together with a
///   **recent treatment** ("después del relleno", "since my filler", "me pusieron botox ayer") or **severity**
///   ("cada vez más", "no se quita", "insoportable", "getting worse").
///
/// Figurative uses ("me duele el bolsillo", "me muero por…", "this price is killing me", "dying to try") and
/// mild, expected after-effects asked about in general ("¿es normal un poco de rojez?") do not count on
/// their own. Questions about what *could* happen before a treatment ("¿qué pasa si me sale un moretón?")
/// count only with a red flag.
enum EmergencyDetector {
    /// Symptoms that are emergencies on their own.
    static let redFlags: [String] = [
        "no puedo respirar", "me cuesta respirar", "me falta el aire", "falta de aire", "dificultad para respirar", "me ahogo", "no respiro bien",
        "cant breathe", "can not breathe", "cannot breathe", "hard to breathe", "short of breath", "trouble breathing", "difficulty breathing",
        "se me cierra la garganta", "garganta cerrada", "lengua hinchada", "se me hincha la lengua", "tongue is swelling", "tongue swelling",
        "throat is closing", "throat swelling", "swollen tongue", "swollen throat",
        "veo borroso", "vision borrosa", "no veo", "perdi vision", "vision doble", "blurry vision", "blurred vision", "lost vision", "cant see",
        "double vision", "me desmaye", "me desmayo", "desmayo", "perdi el conocimiento", "fainted", "passed out", "pase out",
        "necrosis", "se puso blanca", "se puso blanco", "se puso gris", "se puso azul", "se puso morado", "se puso morada", "se pone morado",
        "se pone morada", "se pone blanco", "se pone blanca", "se esta poniendo morado", "se esta poniendo morada", "se esta poniendo blanco",
        "se esta poniendo blanca", "se esta poniendo gris", "se esta poniendo azul", "se me puso morado", "se me puso morada",
        "se me esta poniendo", "turned white", "turned pale", "turned grey", "turned gray", "turned purple", "turned blue", "turning white",
        "turning grey", "turning gray", "turning purple", "turning blue", "going white", "looks grey", "looks gray", "looks greyish",
        "looks grayish", "looks purple", "looks blue", "mottled", "moteado", "manchas moradas", "piel blanca", "piel palida", "piel gris",
        "pus", "supura", "fiebre", "fever", "anafilaxia", "anaphylaxis", "me sangra mucho", "no para de sangrar", "wont stop bleeding",
        "bleeding wont stop", "keeps bleeding", "parpado caido", "se me cae el parpado", "ojo caido", "drooping eyelid", "eyelid is drooping",
        "eyelid drooping", "droopy eyelid", "cara paralizada", "no puedo mover", "cant move", "face is numb",
    ]

    /// Words that name an urgency.
    static let urgencyWords: [String] = ["emergencia", "urgencia", "urgente", "emergency", "urgent", "auxilio", "socorro", "help me", "ayuda por favor"]

    /// Symptoms that are emergencies with a recent treatment or severity: word beginnings (long enough not to
    /// catch other words) and whole short words.
    static let symptomStems: [String] = [
        "hinch", "inflam", "swell", "swollen", "dolor", "duele", "duelen", "ardor", "quemad", "quemadura", "burn", "ampoll", "blister", "sangr",
        "bleed", "bulto", "nodul", "endurec", "entumec", "hormigue", "tingl", "morad", "purpl", "palid", "grisace", "greyish", "grayish",
        "enrojec", "rojiz", "picaz", "itch", "calient", "throb", "pulsa", "mareo", "mareada", "mareado", "dizz", "vomit", "nause", "infec",
        "costra", "scab", "herida", "wound", "reaccion", "reaction", "alergi", "allerg", "asimetr", "deform", "hematom", "moreton", "bruis",
        "necro", "punzad", "escuec", "supur", "abscess", "absces",
    ]
    static let symptomWords: Set<String> = [
        "red", "redness", "rojo", "roja", "rojos", "rojas", "hot", "pain", "painful", "hurts", "hurt", "hurting", "sore", "late", "raro", "rara",
        "weird", "strange", "oscuro", "oscura", "negro", "negra", "dark", "pica", "lump", "lumps", "numb", "tingling", "itchy", "bump", "bumps",
    ]

    static let treatmentWords: [String] = [
        "relleno", "rellenos", "filler", "fillers", "hialuronico", "botox", "toxina", "labio", "labios", "lip", "lips", "hilos", "threads", "peeling",
        "peel", "laser", "depilacion", "mesoterapia", "radiofrecuencia", "skinbooster", "profhilo", "tratamiento", "treatment", "inyeccion",
        "injection", "injections", "pinchazo", "procedure", "procedimiento", "sesion", "session", "implante", "implant", "extraccion", "muela",
        "endodoncia", "blanqueamiento", "whitening", "hidrafacial", "hydrafacial", "limpieza",
    ]

    /// Phrases that place the symptom after a treatment.
    static let recentMarkers: [String] = [
        "despues del", "despues de la", "despues de mi", "tras el", "tras la", "desde el", "desde la", "desde que", "me hicieron", "me hice",
        "me puse", "me pusieron", "me inyectaron", "me aplicaron", "me hizo", "after the", "after my", "since the", "since my", "since i",
        "i had", "i got", "had my", "got my", "done yesterday", "done today", "this morning", "yesterday", "ayer", "hoy me", "anoche",
        "esta manana", "last night", "hace dos dias", "hace un dia", "hace unas horas", "hours ago", "days ago", "hace horas", "hace dias",
    ]

    static let severity: [String] = [
        "cada vez mas", "cada vez peor", "no se quita", "no se va", "no para", "no baja", "insoportable", "muchisimo", "muy fuerte", "mucho dolor",
        "duele mucho", "me duele mucho", "horrible", "terrible", "peor", "se extiende", "se esta extendiendo", "aumenta", "getting worse",
        "worse", "keeps getting", "spreading", "unbearable", "really bad", "so much", "a lot of pain", "severe", "intense", "intenso", "intensa",
        "fuerte dolor", "dolor fuerte", "very painful", "extremely", "me asusta", "estoy asustada", "estoy asustado", "scared", "worried",
        "preocupada", "preocupado", "no es normal", "isnt normal", "not normal",
    ]

    /// Figurative or unrelated uses of alarming words.
    static let figurative: [String] = [
        "duele el bolsillo", "me duele el bolsillo", "duele la cartera", "me muero por", "me muero de ganas", "muero por", "dying to",
        "killing me", "kills me", "price is killing", "burning question", "me mata el precio", "se me cae la cara de verguenza",
        "to die for", "pain in the neck", "que dolor de precio", "painless", "sin dolor",
    ]

    /// Words that make the question general (before any treatment) rather than a report.
    static let hypothetical: [String] = [
        "que pasa si", "y si", "es normal", "es normal que", "what happens if", "what if", "is it normal", "normal to", "puede salir",
        "puede dar", "can it cause", "could i get", "podria", "riesgo", "riesgos", "risk", "risks", "efectos secundarios", "side effects", "duele el",
        "duele la", "does it hurt", "is it painful", "do they hurt", "will it hurt", "duele mucho el", "es doloroso", "duelen",
    ]

    static let mild: [String] = ["un poco de", "poquito", "leve", "ligero", "ligera", "slight", "a little", "a bit", "mild", "un pelin", "algo de"]

    /// Whether `text` describes an emergency, and the evidence.
    static func detect(_ text: RouterText) -> (isEmergency: Bool, reason: String?) {
        if let flag = redFlags.first(where: { text.contains($0) }) { return (true, "red flag: \(flag)") }
        let figurativeUse = figurative.contains { text.contains($0) }
        let symptom = text.hasStem(symptomStems) || text.words.contains { symptomWords.contains($0) }
        let treatment = text.words.contains { treatmentWords.contains($0) }
        let urgency = urgencyWords.first { text.contains($0) }
        if let urgency, !figurativeUse, symptom || treatment { return (true, "urgency: \(urgency)") }
        guard symptom, !figurativeUse || severity.contains(where: { text.contains($0) }) else { return (false, nil) }
        let recent = recentMarkers.contains { text.contains($0) }
        let severe = severity.contains { text.contains($0) }
        let general = hypothetical.contains { text.contains($0) }
        let isMild = mild.contains { text.contains($0) }
        if severe && (recent || treatment) && !(general && !recent) { return (true, "symptom with severity") }
        if recent && treatment && !general && !isMild { return (true, "symptom after a treatment") }
        if recent && severe { return (true, "symptom with severity") }
        return (false, nil)
    }
}
