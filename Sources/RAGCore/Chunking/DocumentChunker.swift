/// Splits a document into chunks for retrieval.
///
/// Heading-aware: Markdown ATX headings (`#` to `######`) start a new section and set its heading path,
/// so no chunk spans two sections. Inside a section, sentences are packed up to ``targetLength``
/// characters; the next chunk starts with the last sentences of the previous one (up to ``overlap``
/// characters) so an answer that straddles the cut is found whole in one of them. A sentence longer than
/// ``maximumLength`` is cut at word boundaries (a hard cap: no chunk is ever longer). Lengths are in
/// Unicode scalars; the text keeps its original case.
public struct DocumentChunker: Sendable {
    /// The length a chunk is filled up to.
    public var targetLength: Int
    /// How much of the previous chunk's end a chunk repeats.
    public var overlap: Int
    /// The hard cap on a chunk's length.
    public var maximumLength: Int

    public init(targetLength: Int = 1_000, overlap: Int = 200, maximumLength: Int = 1_500) {
        self.targetLength = max(50, targetLength)
        self.overlap = min(max(0, overlap), self.targetLength / 2)
        self.maximumLength = max(self.targetLength, maximumLength)
    }

    /// The chunks of a Markdown or plain-text document.
    public func chunks(of text: String) -> [DocumentChunk] {
        var result: [DocumentChunk] = []
        for section in Self.sections(of: text) {
            for piece in pack(Self.sentences(of: section.body)) where !piece.isEmpty {
                result.append(DocumentChunk(index: result.count, heading: section.headings.joined(separator: " > "), content: piece))
            }
        }
        return result
    }

    // MARK: Sections

    struct Section {
        var headings: [String]
        var body: String
    }

    /// The document cut at its headings; each section carries the path of headings above it.
    static func sections(of text: String) -> [Section] {
        var sections: [Section] = []
        var path: [(level: Int, title: String)] = []
        var body: [Substring] = []
        var inFence = false
        func flush() {
            let joined = body.joined(separator: "\n").trimmingWhitespace()
            if !joined.isEmpty { sections.append(Section(headings: path.map(\.title), body: joined)) }
            body.removeAll()
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            if !inFence, let heading = heading(in: trimmed) {
                flush()
                path.removeAll { $0.level >= heading.level }
                path.append(heading)
                continue
            }
            body.append(line)
        }
        flush()
        return sections
    }

    /// The level and title of an ATX heading line (`## Precios` → (2, "Precios")).
    static func heading(in line: Substring) -> (level: Int, title: String)? {
        let level = line.prefix { $0 == "#" }.count
        guard level >= 1, level <= 6 else { return nil }
        let rest = line.dropFirst(level)
        guard rest.first == " " || rest.first == "\t" else { return nil }
        var title = String(rest).trimmingWhitespace()
        while title.hasSuffix("#") { title.removeLast() }
        title = title.trimmingWhitespace()
        return title.isEmpty ? nil : (level, title)
    }

    // MARK: Sentences

    /// The sentences of a section: cut after `.`, `!`, `?`, `…` or `;` followed by white space, and at
    /// blank lines and list items; each keeps its punctuation.
    static func sentences(of text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let scalars = Array(text.unicodeScalars)
        func emit() {
            let sentence = current.trimmingWhitespace()
            if !sentence.isEmpty { result.append(sentence) }
            current = ""
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar == "\n" {
                // A blank line or a list item ends the sentence; a plain line break is a space.
                var look = index + 1
                while look < scalars.count, scalars[look] == " " || scalars[look] == "\t" { look += 1 }
                let following: Unicode.Scalar? = look < scalars.count ? scalars[look] : nil
                if following == "\n" || following == "-" || following == "*" || following == "|"
                    || following.map({ $0.properties.numericType != nil }) == true {
                    emit()
                } else {
                    current.unicodeScalars.append(" ")
                }
                index += 1
                continue
            }
            current.unicodeScalars.append(scalar)
            if ".!?…;".unicodeScalars.contains(scalar), next == nil || next == " " || next == "\n" || next == "\t" {
                emit()
            }
            index += 1
        }
        emit()
        return result
    }

    // MARK: Packing

    /// Sentences packed into chunks of about ``targetLength`` with ``overlap``; none longer than ``maximumLength``.
    func pack(_ sentences: [String]) -> [String] {
        let pieces = sentences.flatMap { split($0) }
        var chunks: [String] = []
        var current: [String] = []
        var length = 0
        var fresh = 0 // sentences in `current` that no earlier chunk holds
        for piece in pieces {
            let pieceLength = piece.unicodeScalars.count
            if !current.isEmpty && length + 1 + pieceLength > targetLength {
                chunks.append(current.joined(separator: " "))
                // Carry the tail of this chunk over, within the overlap budget.
                var carried: [String] = []
                var carriedLength = 0
                for sentence in current.reversed() {
                    let sentenceLength = sentence.unicodeScalars.count
                    guard carriedLength + sentenceLength <= overlap,
                          carriedLength + sentenceLength + 1 + pieceLength <= maximumLength else { break }
                    carried.insert(sentence, at: 0)
                    carriedLength += sentenceLength + 1
                }
                current = carried
                length = max(0, carriedLength - 1)
                fresh = 0
            }
            current.append(piece)
            length += (current.count > 1 ? 1 : 0) + pieceLength
            fresh += 1
        }
        if fresh > 0 { chunks.append(current.joined(separator: " ")) }
        return chunks
    }

    /// A sentence cut at word boundaries into pieces of at most ``maximumLength`` (at a scalar when a
    /// single word is longer).
    func split(_ sentence: String) -> [String] {
        guard sentence.unicodeScalars.count > maximumLength else { return [sentence] }
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        var count = 0
        for word in sentence.split(separator: " ") {
            var scalars = Array(word.unicodeScalars)
            while scalars.count > maximumLength {
                if count > 0 { pieces.append(String(current)); current = .init(); count = 0 }
                pieces.append(String(String.UnicodeScalarView(scalars.prefix(maximumLength))))
                scalars.removeFirst(maximumLength)
            }
            if count > 0 && count + 1 + scalars.count > maximumLength {
                pieces.append(String(current))
                current = .init()
                count = 0
            }
            if count > 0 { current.append(" "); count += 1 }
            current.append(contentsOf: scalars)
            count += scalars.count
        }
        if count > 0 { pieces.append(String(current)) }
        return pieces
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
