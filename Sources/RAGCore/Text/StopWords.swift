/// The most frequent Spanish and English function words (folded), which carry no topic: left out of the
/// keyword index and the built-in embedder's features. Keeping them out makes BM25 faster (no posting list
/// covers every chunk) and keeps the embedder's features for the words that matter.
enum StopWords {
    static let words: Set<String> = [
        // Spanish
        "a", "al", "algo", "algun", "alguna", "algunas", "alguno", "algunos", "ante", "antes", "asi", "aun", "cada",
        "como", "con", "contra", "cual", "cuales", "cuando", "de", "del", "desde", "donde", "durante", "e", "el",
        "ella", "ellas", "ellos", "en", "entre", "era", "es", "esa", "esas", "ese", "eso", "esos", "esta", "estan",
        "estas", "este", "esto", "estos", "fue", "ha", "han", "hasta", "hay", "la", "las", "le", "les", "lo", "los",
        "me", "mi", "mis", "mucho", "muy", "nos", "o", "os", "otra", "otras", "otro", "otros", "para", "pero", "por",
        "porque", "que", "quien", "se", "sea", "ser", "si", "sin", "sobre", "son", "su", "sus", "tambien", "te",
        "ti", "tu", "tus", "u", "un", "una", "unas", "uno", "unos", "usted", "ustedes", "y", "ya", "yo",
        // English
        "an", "and", "are", "as", "at", "be", "been", "but", "by", "did", "do", "does", "for", "from", "had",
        "has", "have", "he", "her", "his", "i", "if", "in", "into", "is", "it", "its", "my", "of", "on", "or",
        "our", "she", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
        "those", "to", "us", "was", "we", "were", "what", "which", "who", "will", "with", "you", "your",
    ]

    /// The stop words as term hashes, for the hot paths.
    static let hashes: Set<UInt64> = Set(words.map { TermHash.of(Array($0.utf8)[...]) })
}
