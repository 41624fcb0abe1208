import Foundation

/// Case and accent folding of patient text for matching words: `"¿Cuánto CUESTA?"` → `"¿cuanto cuesta?"`.
/// Punctuation and symbols are kept (callers split words themselves); the result equals Foundation's
/// `folding(options: [.caseInsensitive, .diacriticInsensitive])`, which it falls back to for letters outside
/// ASCII and Latin-1 (the rare case), without its cost for the common one.
public enum LatinFolding {
    /// Latin-1 letters from À (0xC0) to ÿ (0xFF) → their base letter; "-" marks the non-letters × and ÷ and
    /// the letters without a base (æ, ð, þ, ß), left to Foundation.
    static let latin1Bases = Array("aaaaaa-ceeeeiiii-nooooo-ouuuuy--aaaaaa-ceeeeiiii-nooooo-ouuuuy-y".unicodeScalars)

    /// Folds one scalar: ASCII lower-cased, the accented Latin-1 letters (Spanish, Portuguese, French, German)
    /// to their base letter (`ñ` → `n`, `ç` → `c`), other non-letters (¿, ¡, €, ’, emoji) unchanged; nil for a
    /// letter it leaves to Foundation.
    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        if value < 0x80 { return (0x41...0x5A).contains(value) ? Unicode.Scalar(value + 0x20) : scalar }
        if (0xC0...0xFF).contains(value) {
            let mapped = latin1Bases[Int(value - 0xC0)]
            return mapped == "-" ? (value == 0xD7 || value == 0xF7 ? scalar : nil) : mapped
        }
        return scalar.properties.isAlphabetic ? nil : scalar
    }

    /// `text` lower-cased without accents: scalar by scalar for Latin text (the common case, no Foundation
    /// call), through Foundation's folding when another script appears.
    public static func folded(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0x300...0x36F).contains(scalar.value) {
                continue  // a combining accent (decomposed text): dropped
            } else if let folded = fold(scalar) {
                scalars.append(folded)
            } else {
                return text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_US_POSIX"))
            }
        }
        return String(scalars)
    }
}
