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
        let bytes = Array(text.utf8)
        for section in Self.sections(of: bytes) {
            let heading = section.headings.joined(separator: " > ")
            for piece in pack(Self.sentences(of: bytes[section.body])) where !piece.isEmpty {
                result.append(DocumentChunk(index: result.count, heading: heading, content: piece))
            }
        }
        return result
    }

    // The work is done on UTF-8 bytes: every boundary the chunker cuts at (line breaks, spaces,
    // sentence punctuation, `#`) is ASCII, so a cut never splits a character.

    // MARK: Sections

    struct Section {
        var headings: [String]
        var body: Range<Int>
    }

    /// The document cut at its headings; each section carries the path of headings above it and its
    /// body's byte range (trimmed).
    static func sections(of bytes: [UInt8]) -> [Section] {
        var sections: [Section] = []
        var path: [(level: Int, title: String)] = []
        var bodyStart = 0
        var inFence = false
        var lineStart = 0
        var lastTitle: Range<Int>?
        /// Ends the current section; a heading with no text under it and no subheading (`nextLevel` not
        /// deeper) becomes a section of its own title, so a heading-only document still has a chunk.
        func flush(upTo end: Int, nextLevel: Int) {
            let body = trimmed(bytes, bodyStart..<end)
            if !body.isEmpty {
                sections.append(Section(headings: path.map(\.title), body: body))
            } else if let lastTitle, let level = path.last?.level, nextLevel <= level {
                sections.append(Section(headings: path.map(\.title), body: lastTitle))
            }
            lastTitle = nil
        }
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var first = lineStart
            while first < lineEnd && bytes[first] == 0x20 { first += 1 }
            if lineEnd - first >= 3, (bytes[first] == 0x60 && bytes[first + 1] == 0x60 && bytes[first + 2] == 0x60)
                || (bytes[first] == 0x7E && bytes[first + 1] == 0x7E && bytes[first + 2] == 0x7E) {
                inFence.toggle()
            }
            if !inFence, let heading = heading(in: bytes, first..<lineEnd) {
                flush(upTo: lineStart, nextLevel: heading.level)
                path.removeAll { $0.level >= heading.level }
                path.append((heading.level, heading.title))
                lastTitle = heading.range
                bodyStart = min(bytes.count, lineEnd + 1)
            }
            lineStart = lineEnd + 1
        }
        flush(upTo: bytes.count, nextLevel: 0)
        return sections
    }

    /// The level, title and title bytes of an ATX heading line (`## Precios` → (2, "Precios", …)).
    static func heading(in bytes: [UInt8], _ line: Range<Int>) -> (level: Int, title: String, range: Range<Int>)? {
        var level = 0
        while line.lowerBound + level < line.upperBound && bytes[line.lowerBound + level] == 0x23 { level += 1 }
        guard level >= 1, level <= 6, line.lowerBound + level < line.upperBound else { return nil }
        let next = bytes[line.lowerBound + level]
        guard next == 0x20 || next == 0x09 else { return nil }
        var title = trimmed(bytes, (line.lowerBound + level)..<line.upperBound)
        while !title.isEmpty && bytes[title.upperBound - 1] == 0x23 { title = title.lowerBound..<(title.upperBound - 1) }
        title = trimmed(bytes, title)
        return title.isEmpty ? nil : (level, String(decoding: bytes[title], as: UTF8.self), title)
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper && isSpace(bytes[lower]) { lower += 1 }
        while upper > lower && isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    // MARK: Sentences

    /// A sentence's bytes and its length in Unicode scalars.
    struct Sentence {
        var bytes: [UInt8]
        var length: Int
    }

    /// The sentences of a section: cut after `.`, `!`, `?`, `…` or `;` followed by white space, and at
    /// blank lines and list items (a line starting with `-`, `*`, `|` or a digit); a plain line break
    /// becomes a space. Each sentence keeps its punctuation.
    static func sentences(of text: ArraySlice<UInt8>) -> [Sentence] {
        var result: [Sentence] = []
        var current: [UInt8] = []
        var length = 0
        func emit() {
            var end = current.count
            while end > 0 && isSpace(current[end - 1]) { end -= 1 }
            var start = 0
            while start < end && isSpace(current[start]) { start += 1 }
            if start < end {
                let trimmedLength = length - start - (current.count - end) // the trimmed bytes are ASCII
                result.append(Sentence(bytes: Array(current[start..<end]), length: trimmedLength))
            }
            current.removeAll(keepingCapacity: true)
            length = 0
        }
        var index = text.startIndex
        let end = text.endIndex
        while index < end {
            let byte = text[index]
            if byte == 0x0A {
                var look = index + 1
                while look < end && (text[look] == 0x20 || text[look] == 0x09) { look += 1 }
                let following: UInt8? = look < end ? text[look] : nil
                if following == 0x0A || following == 0x2D || following == 0x2A || following == 0x7C
                    || following.map({ (0x30...0x39).contains($0) }) == true {
                    emit()
                } else {
                    current.append(0x20)
                    length += 1
                }
                index += 1
                continue
            }
            current.append(byte)
            if byte & 0xC0 != 0x80 { length += 1 }
            let next: UInt8? = index + 1 < end ? text[index + 1] : nil
            let boundary = next == nil || next == 0x20 || next == 0x0A || next == 0x09
            if boundary && (byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3B
                || (byte == 0xA6 && current.count >= 3 && current[current.count - 3] == 0xE2 && current[current.count - 2] == 0x80)) {
                emit()
            }
            index += 1
        }
        emit()
        return result
    }

    // MARK: Packing

    /// Sentences packed into chunks of about ``targetLength`` with ``overlap``; none longer than ``maximumLength``.
    func pack(_ sentences: [Sentence]) -> [String] {
        let pieces = sentences.flatMap { split($0) }
        var chunks: [String] = []
        var current: [Sentence] = []
        var length = 0
        var fresh = 0 // sentences in `current` that no earlier chunk holds
        func join(_ sentences: [Sentence]) -> String {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(sentences.reduce(0) { $0 + $1.bytes.count + 1 })
            for (position, sentence) in sentences.enumerated() {
                if position > 0 { bytes.append(0x20) }
                bytes.append(contentsOf: sentence.bytes)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        for piece in pieces {
            if !current.isEmpty && length + 1 + piece.length > targetLength {
                chunks.append(join(current))
                // Carry the tail of this chunk over, within the overlap budget.
                var carried: [Sentence] = []
                var carriedLength = 0
                for sentence in current.reversed() {
                    guard carriedLength + sentence.length <= overlap,
                          carriedLength + sentence.length + 1 + piece.length <= maximumLength else { break }
                    carried.insert(sentence, at: 0)
                    carriedLength += sentence.length + 1
                }
                current = carried
                length = max(0, carriedLength - 1)
                fresh = 0
            }
            current.append(piece)
            length += (current.count > 1 ? 1 : 0) + piece.length
            fresh += 1
        }
        if fresh > 0 { chunks.append(join(current)) }
        return chunks
    }

    /// A sentence cut at spaces into pieces of at most ``maximumLength`` scalars (at a scalar boundary
    /// when a single word is longer).
    func split(_ sentence: Sentence) -> [Sentence] {
        guard sentence.length > maximumLength else { return [sentence] }
        var pieces: [Sentence] = []
        var current: [UInt8] = []
        var count = 0
        func close() {
            if count > 0 { pieces.append(Sentence(bytes: current, length: count)) }
            current.removeAll(keepingCapacity: true)
            count = 0
        }
        for word in sentence.bytes.split(separator: 0x20) {
            var scalars = 0
            for byte in word where byte & 0xC0 != 0x80 { scalars += 1 }
            if count > 0 && count + 1 + scalars > maximumLength { close() }
            if scalars > maximumLength {
                close()
                // A word longer than the cap: cut it every `maximumLength` scalars.
                var piece: [UInt8] = []
                var pieceCount = 0
                for byte in word {
                    if byte & 0xC0 != 0x80 {
                        if pieceCount == maximumLength {
                            pieces.append(Sentence(bytes: piece, length: pieceCount))
                            piece.removeAll(keepingCapacity: true)
                            pieceCount = 0
                        }
                        pieceCount += 1
                    }
                    piece.append(byte)
                }
                current = piece
                count = pieceCount
                continue
            }
            if count > 0 {
                current.append(0x20)
                count += 1
            }
            current.append(contentsOf: word)
            count += scalars
        }
        close()
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
