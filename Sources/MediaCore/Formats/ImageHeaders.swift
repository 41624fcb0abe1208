/// Reads an image's format and dimensions from its bytes (PNG, JPEG, GIF, WebP), and whether the file is whole.
enum ImageHeaders {
    struct Image: Equatable {
        var kind: MediaKind
        var width: Int
        var height: Int
    }

    /// The image kind the bytes start with, if any (nothing else is read).
    static func sniff(_ reader: ByteReader) -> MediaKind? {
        if reader.matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if reader.matches([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if reader.matches("GIF87a") || reader.matches("GIF89a") { return .gif }
        if reader.matches("RIFF") && reader.matches("WEBP", at: 8) { return .webp }
        return nil
    }

    static func read(_ kind: MediaKind, _ reader: ByteReader) throws(MediaError) -> Image {
        switch kind {
        case .png: return try png(reader)
        case .jpeg: return try jpeg(reader)
        case .gif: return try gif(reader)
        default: return try webp(reader)
        }
    }

    /// IHDR right after the signature; the file ends with IEND.
    static func png(_ reader: ByteReader) throws(MediaError) -> Image {
        guard reader.matches("IHDR", at: 12), let width = reader.uint32BE(16), let height = reader.uint32BE(20) else {
            throw MediaError(reader.count < 24 ? .truncated : .malformed, "the PNG has no IHDR header")
        }
        guard reader.matches([0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82], at: reader.count - 8) else {
            throw MediaError(.truncated, "the PNG ends before its IEND chunk")
        }
        return Image(kind: .png, width: width, height: height)
    }

    /// The first start-of-frame segment's dimensions; the file ends with EOI (trailing padding allowed).
    static func jpeg(_ reader: ByteReader) throws(MediaError) -> Image {
        var offset = 2
        var size: (Int, Int)?
        while size == nil {
            guard reader.has(offset, 4) else { throw MediaError(.truncated, "the JPEG ends inside its headers") }
            guard reader.byte(offset) == 0xFF, let marker = reader.byte(offset + 1) else {
                throw MediaError(.malformed, "the JPEG has no marker where one belongs (byte \(offset))")
            }
            if marker == 0xFF { offset += 1; continue }  // fill byte
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }  // no length
            guard let length = reader.uint16BE(offset + 2), length >= 2 else { throw MediaError(.malformed, "a JPEG segment has no length") }
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard let height = reader.uint16BE(offset + 5), let width = reader.uint16BE(offset + 7) else {
                    throw MediaError(.truncated, "the JPEG ends inside its frame header")
                }
                size = (width, height)
            } else if marker == 0xDA || marker == 0xD9 {
                throw MediaError(.malformed, "the JPEG has no frame header before its image data")
            }
            offset += 2 + length
        }
        var end = reader.count
        while end > 2 && reader.byte(end - 1) == 0x00 { end -= 1 }
        guard reader.byte(end - 2) == 0xFF && reader.byte(end - 1) == 0xD9 else {
            throw MediaError(.truncated, "the JPEG ends before its end-of-image marker")
        }
        guard let (width, height) = size, width > 0, height > 0 else { throw MediaError(.malformed, "the JPEG's frame header has no size") }
        return Image(kind: .jpeg, width: width, height: height)
    }

    /// The logical screen size; the file ends with the trailer byte.
    static func gif(_ reader: ByteReader) throws(MediaError) -> Image {
        guard let width = reader.uint16LE(6), let height = reader.uint16LE(8) else { throw MediaError(.truncated, "the GIF has no screen descriptor") }
        guard reader.byte(reader.count - 1) == 0x3B else { throw MediaError(.truncated, "the GIF ends before its trailer") }
        return Image(kind: .gif, width: width, height: height)
    }

    /// VP8X (extended), VP8L (lossless) or VP8 (lossy) sizes; the RIFF length must fit the file.
    static func webp(_ reader: ByteReader) throws(MediaError) -> Image {
        guard let riffLength = reader.uint32LE(4) else { throw MediaError(.truncated, "the WebP has no RIFF header") }
        guard riffLength + 8 <= reader.count else { throw MediaError(.truncated, "the WebP ends before its RIFF length (\(riffLength + 8) bytes)") }
        if reader.matches("VP8X", at: 12), let width = reader.uint24LE(24), let height = reader.uint24LE(27) {
            return Image(kind: .webp, width: width + 1, height: height + 1)
        }
        if reader.matches("VP8L", at: 12), reader.byte(20) == 0x2F, let bits = reader.uint32LE(21) {
            return Image(kind: .webp, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        }
        if reader.matches("VP8 ", at: 12), reader.matches([0x9D, 0x01, 0x2A], at: 23), let width = reader.uint16LE(26),
           let height = reader.uint16LE(28) {
            return Image(kind: .webp, width: width & 0x3FFF, height: height & 0x3FFF)
        }
        throw MediaError(.malformed, "the WebP has no VP8, VP8L or VP8X header")
    }
}
