/// Case and accent folding for search: `"Depilación LÁSER"` → `"depilacion laser"`.
///
/// Works on Unicode scalars without building intermediate strings: ASCII letters are lower-cased, the
/// Latin-1 and Latin Extended-A letters Spanish, English, Portuguese, French and German use lose their
/// diacritics (`ñ` → `n`, `ç` → `c`, `ß` → `ss`), and other alphabetic scalars are lower-cased and kept as
/// UTF-8. Everything else (punctuation, symbols, spaces) is a separator.
enum TextFolding {
    /// The folded UTF-8 bytes of one scalar appended to `output`; false when the scalar separates words.
    @inline(__always)
    static func append(_ scalar: Unicode.Scalar, to output: inout [UInt8]) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            let byte = UInt8(value)
            switch byte {
            case 0x61...0x7A, 0x30...0x39: output.append(byte)
            case 0x41...0x5A: output.append(byte | 0x20)
            default: return false
            }
            return true
        }
        if let folded = latin(value) {
            output.append(folded)
            if value == 0xDF { output.append(0x73) }
            return true
        }
        // Combining marks (a decomposed accent) belong to the letter before them: dropped.
        if scalar.properties.generalCategory == .nonspacingMark { return true }
        guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { return false }
        for lower in scalar.properties.lowercaseMapping.unicodeScalars { output.append(contentsOf: Array(String(lower).utf8)) }
        return true
    }

    /// The ASCII letter a Latin-1 / Latin Extended-A letter folds to.
    @inline(__always)
    static func latin(_ value: UInt32) -> UInt8? {
        switch value {
        case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105: return 0x61 // a
        case 0xC7, 0xE7, 0x106...0x10D: return 0x63 // c
        case 0x10E...0x111: return 0x64 // d
        case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B: return 0x65 // e
        case 0x11C...0x123: return 0x67 // g
        case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131: return 0x69 // i
        case 0xD1, 0xF1, 0x143...0x148: return 0x6E // n
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151: return 0x6F // o
        case 0x154...0x159: return 0x72 // r
        case 0xDF, 0x15A...0x161: return 0x73 // s (ß → ss)
        case 0x162...0x167: return 0x74 // t
        case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173: return 0x75 // u
        case 0xDD, 0xFD, 0xFF, 0x176...0x178: return 0x79 // y
        case 0x179...0x17E: return 0x7A // z
        default: return nil
        }
    }

    /// `text` folded, words separated by single spaces (for display-independent comparisons and tests).
    static func fold(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            var letter: [UInt8] = []
            if append(scalar, to: &letter) {
                if pendingSpace && !output.isEmpty { output.append(0x20) }
                pendingSpace = false
                output.append(contentsOf: letter)
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
