/// The kinds of file an upload may be, as recognised from their bytes (``sniff(_:filename:)``).
public enum DocumentFormat: String, Sendable, Equatable {
    case text, markdown, html, pdf

    /// The format of `bytes`: `%PDF-` is a PDF; valid UTF-8 without NUL bytes is HTML when it starts (after
    /// a byte-order mark, white space and comments) with a doctype, `<html`, `<head` or `<body`, Markdown when
    /// it has a Markdown heading line or the name ends in `.md`/`.markdown`, text otherwise. Anything else
    /// (binary, another encoding) is nil. The name never overrides the bytes.
    public static func sniff(_ bytes: [UInt8], filename: String?) -> DocumentFormat? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        guard !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil else { return nil }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let head = String(decoding: body.prefix(1_024), as: UTF8.self).lowercased()
        var start = head.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        while start.hasPrefix("<!--"), let end = start.range(of: "-->") {
            start = start[end.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        }
        if ["<!doctype html", "<html", "<head", "<body"].contains(where: { start.hasPrefix($0) }) { return .html }
        let name = filename?.lowercased() ?? ""
        if name.hasSuffix(".md") || name.hasSuffix(".markdown") { return .markdown }
        let text = String(decoding: body.prefix(64 * 1_024), as: UTF8.self)
        if text.split(separator: "\n").contains(where: { DocumentChunker.heading(in: Array($0.utf8), 0..<$0.utf8.count) != nil }) {
            return .markdown
        }
        return .text
    }
}
