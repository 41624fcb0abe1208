/// Everyday names of common clinic treatments, so a company whose catalogue says `botox` understands
/// "toxina botulínica" without configuring it: a treatment whose folded name (underscores as spaces) is a
/// key here also answers to these words. A company's own `treatment_aliases` come on top.
enum TreatmentSynonyms {
    static let table: [String: [String]] = [
        "botox": ["bótox", "toxina", "toxina botulínica", "botulínica", "botulinum", "neuromodulador", "dysport", "xeomin"],
        "toxina botulinica": ["botox", "bótox", "toxina"],
        "rellenos": ["relleno", "filler", "fillers", "ácido hialurónico", "hialurónico", "dermal filler"],
        "relleno": ["rellenos", "filler", "ácido hialurónico"],
        "acido hialuronico": ["relleno", "rellenos", "filler", "hialurónico"],
        "limpieza facial": ["limpieza", "limpieza de cutis", "facial cleansing", "facial"],
        "hidrafacial": ["hydrafacial", "hydra facial", "hidra facial"],
        "depilacion laser": ["láser", "depilación", "laser hair removal", "hair removal"],
        "peeling": ["peeling químico", "peel", "chemical peel"],
        "peeling quimico": ["peeling", "peel", "chemical peel"],
        "mesoterapia": ["mesotherapy"],
        "blanqueamiento": ["blanqueamiento dental", "teeth whitening", "whitening"],
    ]
}
