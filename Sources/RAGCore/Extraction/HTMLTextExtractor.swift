/// The text of an HTML document as Markdown the chunker understands: headings become `#` lines, paragraphs,
/// list items, table rows and line breaks become line breaks, entities are decoded, and what a reader does
/// not see (`<script>`, `<style>`, `<noscript>`, `<template>`, `<svg>`, comments, the `<head>` apart from its
/// `<title>`) is dropped. A small tolerant scanner, not a full HTML parser: unclosed tags, stray `<` and
/// unknown entities are kept as text rather than rejected.
public enum HTMLTextExtractor {
    /// The extracted text and the document's `<title>`, if any.
    public static func extract(_ html: [UInt8]) -> (text: String, title: String?) {
        var output: [UInt8] = []
        output.reserveCapacity(html.count / 2)
        var title: [UInt8]?
        var inTitle = false
        var inHead = false
        var pendingSpace = false
        var index = 0
        func newline(_ count: Int) {
            pendingSpace = false
            while output.last == 0x20 { output.removeLast() }
            var existing = 0
            for byte in output.reversed() { if byte == 0x0A { existing += 1 } else { break } }
            if output.isEmpty { return }
            for _ in existing..<max(existing, count) { output.append(0x0A) }
        }
        func text(_ byte: UInt8) {
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                pendingSpace = true
                return
            }
            if inTitle {
                var current = title ?? []
                if pendingSpace && !current.isEmpty { current.append(0x20) }
                current.append(byte)
                title = current
                pendingSpace = false
                return
            }
            if inHead {
                pendingSpace = false
                return
            }
            if pendingSpace, let last = output.last, last != 0x0A, last != 0x20 { output.append(0x20) }
            pendingSpace = false
            output.append(byte)
        }
        while index < html.count {
            let byte = html[index]
            if byte == 0x26 { // &
                if let (decoded, length) = entity(html, at: index) {
                    for scalarByte in decoded { text(scalarByte) }
                    index += length
                } else {
                    text(byte)
                    index += 1
                }
                continue
            }
            guard byte == 0x3C, index + 1 < html.count else { // <
                text(byte)
                index += 1
                continue
            }
            if html[index...].starts(with: Array("<!--".utf8)) {
                index = find(Array("-->".utf8), in: html, from: index + 4).map { $0 + 3 } ?? html.count
                continue
            }
            guard let (name, closing, end) = tag(html, at: index) else {
                text(byte)
                index += 1
                continue
            }
            index = end
            switch name {
            case "script", "style", "noscript", "template", "svg", "iframe", "object":
                if !closing { index = skipElement(name, in: html, from: index) }
            case "head": inHead = !closing
            case "title": inTitle = !closing
            case "h1", "h2", "h3", "h4", "h5", "h6":
                newline(2)
                if !closing {
                    let level = Int(name.utf8.last ?? 0x31) - 0x30
                    output.append(contentsOf: Array(repeating: UInt8(0x23), count: level) + [0x20])
                }
            case "br": newline(1)
            case "li":
                if !closing {
                    newline(1)
                    output.append(contentsOf: [0x2D, 0x20])
                }
            case "tr", "dt", "dd": newline(1)
            case "td", "th": if !closing { pendingSpace = true }
            case "p", "div", "section", "article", "ul", "ol", "table", "blockquote", "pre", "header", "footer", "main",
                 "nav", "aside", "figure", "form", "hr", "dl", "address":
                newline(2)
            default: break
            }
        }
        while output.last == 0x0A || output.last == 0x20 { output.removeLast() }
        let titleText = title.map { String(decoding: $0, as: UTF8.self).trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        return (String(decoding: output, as: UTF8.self), titleText)
    }

    /// The tag at `start` (`<name ...>` or `</name>`): its lower-cased name, whether it closes, and the index
    /// after its `>` (quoted attribute values may contain `>`).
    static func tag(_ html: [UInt8], at start: Int) -> (String, Bool, Int)? {
        var index = start + 1
        guard index < html.count else { return nil }
        let closing = html[index] == 0x2F
        if closing { index += 1 }
        let nameStart = index
        while index < html.count, (0x61...0x7A).contains(html[index] | 0x20) || (0x30...0x39).contains(html[index]) { index += 1 }
        guard index < html.count, index > nameStart || html[index] == 0x21 else { return nil } // `<!doctype` has no name here
        let name = String(decoding: html[nameStart..<index].map { $0 | 0x20 }, as: UTF8.self)
        var quote: UInt8?
        while index < html.count {
            let byte = html[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == 0x3E {
                return (name, closing, index + 1)
            }
            index += 1
        }
        return nil
    }

    /// The index after the element `name` that starts before `from` is closed (its content dropped).
    static func skipElement(_ name: String, in html: [UInt8], from: Int) -> Int {
        let closing = Array("</\(name)".utf8)
        var index = from
        while let found = find([0x3C, 0x2F], in: html, from: index) {
            if html[found...].prefix(closing.count).map({ $0 | 0x20 }) == closing.map({ $0 | 0x20 }) {
                return find([0x3E], in: html, from: found).map { $0 + 1 } ?? html.count
            }
            index = found + 2
        }
        return html.count
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "iexcl": "¡", "iquest": "¿",
        "aacute": "á", "eacute": "é", "iacute": "í", "oacute": "ó", "uacute": "ú", "ntilde": "ñ", "uuml": "ü",
        "Aacute": "Á", "Eacute": "É", "Iacute": "Í", "Oacute": "Ó", "Uacute": "Ú", "Ntilde": "Ñ", "Uuml": "Ü",
        "ccedil": "ç", "euro": "€", "copy": "©", "reg": "®", "deg": "°", "middot": "·", "ndash": "–", "mdash": "—",
        "hellip": "…", "laquo": "«", "raquo": "»", "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’", "ordm": "º", "ordf": "ª",
    ]

    /// The UTF-8 bytes of the entity at `start` and its length, or nil when it is not one.
    static func entity(_ html: [UInt8], at start: Int) -> ([UInt8], Int)? {
        guard let end = html[start..<min(html.count, start + 12)].firstIndex(of: 0x3B) else { return nil } // ;
        let body = String(decoding: html[(start + 1)..<end], as: UTF8.self)
        let length = end - start + 1
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return (Array(String(Character(scalar)).utf8), length)
        }
        guard let text = namedEntities[body] else { return nil }
        return (Array(text.utf8), length)
    }
}
