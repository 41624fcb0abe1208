/// Deterministic emergency detection, run before any other classification and never outvoted by it.
///
/// A message is an emergency when it reports:
/// - a **red flag**: trouble breathing or swallowing, a tight throat, a swollen tongue, vision changes, an
///   eyelid or mouth that droops or cannot move, fainting, pus or fever, hives, a vascular occlusion or
///   necrosis, or skin turning white, grey, purple or blue where a filler went (whatever the wording); or
/// - a **symptom** (swelling, pain, lumps, blisters, burns, bleeding, numbness, heat, scabs…) told as the
///   patient's own ("me", "tengo", "my", "I've got"…), together with a **treatment or treated area**, a **recent
///   treatment** ("después del relleno", "since my filler", "ayer me pusieron") or **severity** ("cada vez más",
///   "no lo aguanto", "getting worse").
///
/// Not on their own: figurative uses ("me duele el bolsillo", "me muero por…", "this price is killing me"),
/// general questions ("¿el láser duele?", "¿qué pasa si me sale un moretón?"), mild expected after-effects
/// ("un poco de rojez", "a tiny bruise") and ones that are going away ("it's fading already"). Urgency words
/// ("emergencia", "urgent") count with a symptom, not alone ("emergencia capilar" is a figure of speech).
enum EmergencyDetector {
    /// Phrases that are emergencies on their own.
    static let redFlagPhrases: [String] = [
        "oclusion vascular", "vascular occlusion", "necrosis", "anafilaxia", "anaphylaxis", "me voy a desmayar", "me desmaye", "me desmayo",
        "perdi el conocimiento", "fainted", "passed out", "going to faint", "gonna faint", "no puedo abrir el ojo", "no puedo abrir bien el ojo",
        "cant open my eye", "cannot open my eye", "cant open my left eye", "cant open my right eye", "se me tuerce la boca", "boca torcida",
        "se me cayo el parpado", "se me cae el parpado", "parpado caido", "ojo caido", "drooping eyelid", "eyelid has drooped", "eyelid is drooping",
        "droopy eyelid", "eyelid drooped", "no puedo mover", "cant move", "cannot move", "me cuesta hablar", "cant speak", "slurred", "veo doble",
        "vision doble", "double vision", "seeing double", "no veo", "cant see", "perdi vision", "no para de sangrar", "wont stop bleeding",
        "keeps bleeding", "bleeding wont stop", "carne viva", "media cara dormida", "se me durmio media cara", "se me durmio la cara",
        "me falta el aire", "me ahogo", "full breath", "yellow stuff", "pus", "supura", "fiebre", "fever", "hives", "ronchas", "urticaria", "habones",
        "perdida de vision", "perdi la vision", "lost vision", "lost my vision", "vision loss", "loss of vision", "lost sight",
    ]
    /// Word beginnings that are red flags on their own (fainting).
    static let redFlagStems = ["desmay", "faint"]

    /// Words of breathing, swallowing, throat and tongue that are red flags with a difficulty or swelling word.
    static let airwayStems = ["respir", "breath", "tragar", "trago", "swallow", "garganta", "throat", "lengua", "tongue"]
    static let airwayTroubles = [
        "no", "cuesta", "dificil", "dificultad", "cant", "cannot", "hard", "trouble", "short", "tight", "apretada", "cerrada", "cierra", "closing",
        "hinch", "swell", "swollen", "gorda", "gordo", "huge", "big", "thick", "dormida", "apenas", "casi",
    ]
    /// Vision words that are red flags on their own.
    static let visionStems = ["borros", "blurr", "blurry"]
    /// Skin colours of a vascular occlusion, and where (a red flag together).
    static let colourStems = ["blanc", "blanquec", "gris", "morad", "violac", "violet", "azul", "white", "grey", "gray", "purpl", "blue", "pale",
                              "palid", "mottl", "motead", "patchy", "blotch", "livid", "oscur", "dark", "negr", "black"]
    static let fillerWords: Set<String> = ["relleno", "rellenos", "filler", "fillers", "filer", "hialuronico", "labio", "labios", "lip", "lips", "nariz",
                                           "nose", "glabella", "entrecejo", "menton", "chin", "ojeras", "mejilla", "cheek", "pomulo"]

    static let urgencyWords: [String] = ["emergencia", "urgencia", "urgente", "emergency", "urgent", "auxilio", "socorro", "help me", "ayuda por favor"]

    /// Symptoms: word beginnings (long enough not to catch other words) and whole short words.
    static let symptomStems: [String] = [
        "hinch", "inflam", "swell", "swollen", "ballooned", "dolor", "duele", "duelen", "ardor", "quemad", "quemadura", "burn", "ampoll", "blister",
        "sangr", "bleed", "bulto", "nodul", "endurec", "entumec", "hormigue", "tingl", "morad", "purpl", "palid", "grisace", "greyish", "grayish",
        "enrojec", "rojiz", "rojez", "picaz", "itch", "calient", "throb", "pulsa", "mareo", "mareada", "mareado", "dizz", "vomit", "nause", "infec",
        "costra", "scab", "herida", "wound", "reaccion", "reaction", "alergi", "allerg", "asimetr", "deform", "hematom", "moreton", "bruis", "necro",
        "punzad", "escuec", "supur", "abscess", "absces", "ooz", "weep", "raw", "dormid", "adormec", "debil",
    ]
    static let symptomWords: Set<String> = [
        "red", "redness", "rojo", "roja", "rojos", "rojas", "hot", "pain", "painful", "hurts", "hurt", "hurting", "sore", "late", "raro", "rara",
        "weird", "strange", "oscuro", "oscura", "negro", "negra", "dark", "pica", "lump", "lumps", "numb", "tingling", "itchy", "bump", "bumps",
        "duro", "dura", "duros", "duras", "hard", "fria", "frio", "cold", "aguanto", "tight",
        "blue", "azul", "azulado", "azulada", "morado", "morada", "purple", "grey", "gray", "gris", "grisaceo", "grisacea", "white", "blanco",
        "blanca", "blanquecino", "blanquecina", "violaceo", "violacea",
    ]
    /// A history of allergy or an outside cause is not a reaction now ("alérgica al marisco", "allergic to shellfish").
    static let history: [String] = ["es alergica", "es alergico", "soy alergica", "soy alergico", "is allergic", "am allergic", "im allergic",
                                    "tuvo una reaccion", "had a reaction to", "de tanto llorar", "de llorar", "from crying"]
    /// Laughter: the patient is not in distress.
    static let laughter: Set<String> = ["jaja", "jajaja", "jajajaja", "jeje", "jejeje", "haha", "hahaha", "lol", "lmao", "xd"]
    /// Symptoms that, alone and mild, are expected after a treatment.
    static let mildStems = ["moreton", "bruis", "rojez", "enrojec", "redness", "red", "hematom"]

    static let treatmentWords: Set<String> = [
        "relleno", "rellenos", "filler", "fillers", "filer", "hialuronico", "botox", "toxina", "labio", "labios", "lip", "lips", "hilos", "threads",
        "thread", "peeling", "peel", "laser", "depilacion", "mesoterapia", "mesotherapy", "radiofrecuencia", "skinbooster", "profhilo",
        "tratamiento", "treatment", "inyeccion", "injection", "injections", "pinchazo", "procedure", "procedimiento", "sesion", "session", "implante",
        "implant", "extraccion", "muela", "endodoncia", "blanqueamiento", "whitening", "hidrafacial", "hydrafacial", "limpieza", "nariz", "nose",
        "parpado", "eyelid", "mejilla", "cheek", "encias", "gums", "clinica", "clinic",
    ]

    /// Phrases that place the symptom after a treatment.
    static let recentMarkers: [String] = [
        "despues del", "despues de la", "despues de mi", "tras el", "tras la", "desde el", "desde la", "desde que", "desde ayer", "desde anoche",
        "desde esta", "me hicieron", "me hice", "me puse", "me pusieron", "me inyectaron", "me aplicaron", "me hizo", "me dejo", "al salir",
        "after the", "after my", "after a", "since the", "since my", "since i", "since monday", "since yesterday", "i had", "i got", "had my", "got my",
        "done yesterday", "done today", "this morning", "yesterday", "ayer", "hoy me", "anoche", "esta manana", "last night", "hace dos dias",
        "hace un dia", "hace unas horas", "hours ago", "days ago", "hace horas", "hace dias", "left the clinic", "sali de la clinica",
    ]

    static let severity: [String] = [
        "cada vez mas", "cada vez peor", "cada dia esta peor", "cada dia peor", "va a mas", "no se quita", "no se va", "no se me pasa", "no para",
        "no baja", "no lo aguanto", "no aguanto", "insoportable", "muchisimo", "muy fuerte", "mucho dolor", "duele mucho", "me duele mucho",
        "horrores", "horrible", "terrible", "peor", "se extiende", "se esta extendiendo", "aumenta", "getting worse", "worse", "getting bigger",
        "bigger", "keeps getting", "spreading", "unbearable", "really bad", "so much", "a lot of pain", "severe", "intense", "intenso", "intensa",
        "fuerte dolor", "dolor fuerte", "very painful", "extremely", "me asusta", "estoy asustada", "estoy asustado", "scared", "worried",
        "preocupada", "preocupado", "no es normal", "isnt normal", "not normal", "mucho", "muy", "very", "lot", "cada vez", "each day", "every day",
    ]

    static let figurative: [String] = [
        "duele el bolsillo", "me duele el bolsillo", "duele la cartera", "me muero por", "me muero de ganas", "muero por", "dying to",
        "killing me", "kills me", "price is killing", "burning question", "me mata el precio", "to die for", "pain in the neck", "que dolor de precio",
        "painless", "sin dolor", "me duele pagar", "duele pagar", "dolor de cabeza elegir", "dolor de cabeza decidir", "what a headache",
        "que mata", "esta que mata", "muerta de miedo", "muerto de miedo", "killer deal", "killer price",
    ]

    static let hypothetical: [String] = [
        "que pasa si", "y si", "es normal", "what happens if", "what if", "is it normal", "normal to", "puede salir", "puede dar", "can it cause",
        "could i get", "podria", "riesgo", "riesgos", "risk", "risks", "efectos secundarios", "side effects", "does it hurt", "is it painful",
        "do they hurt", "will it hurt", "es doloroso", "duelen los", "duele el", "duele la", "suele", "usually", "normalmente", "antes de",
        "before the", "before my", "puede hacerse", "puedo hacerme", "se puede hacer", "can she", "can he", "can i still", "can she still",
        "could she", "puede ella", "puede causar", "can cause", "chances of", "es verdad que", "is it true", "me da miedo", "nervous", "nerviosa",
        "nervioso", "vi un video", "vi una foto", "vi en", "i saw", "he leido", "i read",
    ]

    static let mild: [String] = ["un poco de", "poquito", "leve", "ligero", "ligera", "slight", "a little", "a bit", "mild", "un pelin", "algo de",
                                 "tiny", "small", "pequeno", "pequena", "chiquito"]
    static let improving: [String] = ["se esta yendo", "se va yendo", "esta desapareciendo", "ya casi no", "mejorando", "fading", "getting better",
                                      "going away", "almost gone", "ya se fue", "ya paso"]

    /// Words that tell a report of the patient's own state.
    static let ownReport: Set<String> = [
        "me", "mi", "mis", "tengo", "estoy", "siento", "noto", "veo", "tuve", "my", "i", "ive", "im", "mine", "got", "have", "feel", "feels",
        "looks", "se", "quedo", "quedaron", "its", "it", "esta", "estan", "is", "are", "has",
    ]

    /// Words that report the patient's present state ("tengo la zona blanca, ¿es normal?" is a report, not a general question).
    static let currentReportSet = PhraseSet(["tengo", "estoy", "me esta", "se me esta", "se me puso", "se me ha", "i have", "ive got", "i got",
                                             "im getting", "it is", "its getting", "my lip is", "my lips are", "is now"])
    static let redFlagSet = PhraseSet(redFlagPhrases)
    static let urgencySet = PhraseSet(urgencyWords)
    static let recentSet = PhraseSet(recentMarkers)
    static let severitySet = PhraseSet(severity)
    static let figurativeSet = PhraseSet(figurative)
    static let hypotheticalSet = PhraseSet(hypothetical)
    static let mildSet = PhraseSet(mild)
    static let improvingSet = PhraseSet(improving)
    static let historySet = PhraseSet(history)

    /// An eyelid that droops, or an eye that cannot open, in any wording.
    static func eyelidOrEye(_ text: RouterText) -> Bool {
        let eyelid = text.words.contains { ["parpado", "parpados", "eyelid", "eyelids", "lid"].contains($0) }
        let droops = text.hasStem(["droop", "caid", "cae", "cayo", "cayendo", "baj"])
        let eye = text.words.contains { ["ojo", "ojos", "eye", "eyes"].contains($0) }
        let cannotOpen = text.contains("cant open") || text.contains("cannot open") || text.contains("no puedo abrir") || text.contains("no abre")
        return (eyelid && droops) || (eye && cannotOpen)
    }

    /// A tooth knocked out or broken by a blow.
    static func dentalTrauma(_ text: RouterText) -> Bool {
        let tooth = text.hasStem(["diente", "muela", "tooth", "teeth", "incisiv"])
        let trauma = text.hasStem(["golpe", "salio", "saltó", "salto", "rompi", "partio", "knock", "broke", "fell out", "came out", "cayo"])
            || text.contains("fell out") || text.contains("came out") || text.contains("knocked out")
        return tooth && trauma
    }

    /// Whether `text` reports an emergency, and the evidence.
    static func detect(_ text: RouterText) -> (isEmergency: Bool, reason: String?) {
        let figurativeUse = figurativeSet.occurs(in: text.words)
        let recentTreatment = recentSet.occurs(in: text.words)
        // A question about what could happen, before any treatment, is not a report (unless it says it happened).
        let hypotheticalOnly = hypotheticalSet.occurs(in: text.words) && !recentTreatment && !currentReportSet.occurs(in: text.words)
        if let flag = redFlagSet.first(in: text.words), !hypotheticalOnly { return (true, "red flag: \(flag)") }
        if !hypotheticalOnly, Self.eyelidOrEye(text) { return (true, "red flag: eyelid or eye") }
        if !hypotheticalOnly, Self.dentalTrauma(text) { return (true, "red flag: dental trauma") }
        if text.hasStem(airwayStems), text.words.contains(where: { word in airwayTroubles.contains { word == $0 || ($0.count > 3 && word.hasPrefix($0)) } }),
           !hypotheticalSet.occurs(in: text.words) {
            return (true, "red flag: airway")
        }
        if text.hasStem(visionStems), !hypotheticalOnly { return (true, "red flag: vision") }
        if text.hasStem(redFlagStems), !hypotheticalSet.occurs(in: text.words) { return (true, "red flag: fainting") }
        if text.hasStem(colourStems), text.words.contains(where: { fillerWords.contains($0) }),
           text.hasStem(["puso", "pone", "poniendo", "vuelto", "quedo", "turn", "gone", "went", "look", "becom", "tengo", "have", "got"])
            || text.words.contains(where: { ["ve", "esta", "estan", "is", "are"].contains($0) }) {
            if !hypotheticalSet.occurs(in: text.words) { return (true, "red flag: skin colour where a filler went") }
        }
        let symptom = text.hasStem(symptomStems) || text.words.contains { symptomWords.contains($0) }
        guard symptom, !figurativeUse else { return (false, nil) }
        if let urgency = urgencySet.first(in: text.words), !hypotheticalOnly { return (true, "urgency with a symptom: \(urgency)") }
        guard !historySet.occurs(in: text.words), !text.words.contains(where: { laughter.contains($0) }) else { return (false, nil) }
        let own = text.words.contains { ownReport.contains($0) }
        let treatment = text.words.contains { treatmentWords.contains($0) }
        let recent = recentSet.occurs(in: text.words)
        let severe = severitySet.occurs(in: text.words)
        let general = hypotheticalSet.occurs(in: text.words)
        let isMild = mildSet.occurs(in: text.words)
        let getsBetter = improvingSet.occurs(in: text.words)
        let onlyMildSymptoms = !text.words.contains { word in
            (symptomStems.contains { word.hasPrefix($0) } || symptomWords.contains(word)) && !mildStems.contains { word.hasPrefix($0) }
        }
        guard own || severe || recent, !getsBetter else { return (false, nil) }
        // A question in general terms ("¿el láser CO2 duele mucho?") is not a report.
        if !own && !recent && text.isQuestion { return (false, nil) }
        if general && !recent && !currentReportSet.occurs(in: text.words) { return (false, nil) }
        if (isMild || onlyMildSymptoms) && !severe { return (false, nil) }
        if severe || recent || treatment { return (true, "symptom reported with \(severe ? "severity" : recent ? "a recent treatment" : "a treated area")") }
        return (false, nil)
    }
}
