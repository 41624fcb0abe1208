/// A light suffix stripper for Spanish and English, applied to folded words (see ``TextFolding``).
///
/// It conflates inflections, not derivations: plurals (`tratamientos`, `doctores`, `prices`), gender
/// (`clinico`/`clinica`), the adverb ending `-mente` and the English `-ing`/`-ed`, and keeps at least
/// four letters, so short words are left alone. The same rules for both languages let an English word
/// and its Spanish cognate meet when they share a root (`toxin`/`toxina`, `laser`/`laseres`).
enum LightStemmer {
    /// The stem of `word` (folded UTF-8 bytes): the length of the prefix to keep.
    @inline(__always)
    static func stemLength<C: RandomAccessCollection>(_ word: C) -> Int where C.Element == UInt8, C.Index == Int {
        var n = word.count
        let start = word.startIndex
        @inline(__always) func at(_ fromEnd: Int) -> UInt8 { word[start + n - fromEnd] }
        @inline(__always) func ends(_ suffix: StaticString) -> Bool {
            let length = suffix.utf8CodeUnitCount
            guard n >= length else { return false }
            return suffix.withUTF8Buffer { buffer in
                for index in 0..<length where buffer[index] != word[start + n - length + index] { return false }
                return true
            }
        }
        guard n > 3 else { return n }
        if n > 7 && ends("mente") { n -= 5 }
        if n > 5 && ends("ing") { n -= 3 }
        else if n > 5 && ends("ed") && at(3) != 0x65 { n -= 2 }
        if n > 4 && ends("es") {
            switch at(3) {
            // r, l, n, d, z, j before -es: a Spanish plural of a consonant-final word (doctores, cancelaciones).
            case 0x72, 0x6C, 0x6E, 0x64, 0x7A, 0x6A: n -= 2
            default: n -= 1
            }
        } else if n > 3 && at(1) == 0x73, at(2) != 0x73, at(2) != 0x75, at(2) != 0x69 {
            n -= 1
        }
        if n > 4 {
            switch at(1) {
            case 0x61, 0x65, 0x6F: n -= 1 // a, e, o
            default: break
            }
        }
        return n
    }
}
