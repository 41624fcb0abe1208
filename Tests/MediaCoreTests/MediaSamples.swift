import Foundation

/// Minimal but well-formed files of every accepted format, built byte by byte with the fields the
/// inspector reads (and the structure around them), so each test knows the answer it expects.
enum MediaSamples {
    static func be32(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
    static func le32(_ value: Int) -> [UInt8] { [0, 8, 16, 24].map { UInt8((value >> $0) & 0xFF) } }
    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func be16(_ value: Int) -> [UInt8] { [UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func png(width: Int, height: Int) -> [UInt8] {
        let ihdr = be32(width) + be32(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be32(13) + ascii("IHDR") + ihdr + [0, 0, 0, 0]
            + be32(4) + ascii("IDAT") + [1, 2, 3, 4] + [0, 0, 0, 0]
            + be32(0) + ascii("IEND") + [0xAE, 0x42, 0x60, 0x82]
    }

    static func jpeg(width: Int, height: Int) -> [UInt8] {
        let app0 = [0xFF, 0xE0] + be16(16) + ascii("JFIF") + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        let sof0 = [0xFF, 0xC0] + be16(17) + [8] + be16(height) + be16(width) + [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
        let sos = [0xFF, 0xDA] + be16(12) + [3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0] + [0x12, 0x34, 0x56]
        return [0xFF, 0xD8] + app0 + sof0 + sos + [0xFF, 0xD9]
    }

    static func gif(width: Int, height: Int) -> [UInt8] {
        ascii("GIF89a") + le16(width) + le16(height) + [0, 0, 0] + [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0] + [0x3B]
    }

    static func webpLossless(width: Int, height: Int) -> [UInt8] {
        let bits = (width - 1) | (height - 1) << 14
        let chunk = ascii("VP8L") + le32(5) + [0x2F] + le32(bits) + [0]
        return ascii("RIFF") + le32(4 + chunk.count) + ascii("WEBP") + chunk
    }

    /// PCM, mono, 16-bit, `rate` Hz, `seconds` long.
    static func wav(seconds: Double, rate: Int = 16_000) -> [UInt8] {
        let data = [UInt8](repeating: 0, count: Int(Double(rate * 2) * seconds))
        let fmt = ascii("fmt ") + le32(16) + le16(1) + le16(1) + le32(rate) + le32(rate * 2) + le16(2) + le16(16)
        let body = ascii("WAVE") + fmt + ascii("data") + le32(data.count) + data
        return ascii("RIFF") + le32(body.count) + body
    }

    static func flac(seconds: Double, rate: Int = 16_000) -> [UInt8] {
        let samples = Int(Double(rate) * seconds)
        var packed = UInt64(rate) << 44 | UInt64(0) << 41 | UInt64(15) << 36 | UInt64(samples)
        var info: [UInt8] = [0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0]
        for _ in 0..<8 {
            info.append(UInt8(packed >> 56))
            packed <<= 8
        }
        info += [UInt8](repeating: 0, count: 16)  // MD5
        return ascii("fLaC") + [0x80, 0, 0, 34] + info + [0xFF, 0xF8, 0x69, 0x08, 0x00, 0x00]
    }

    static func oggPage(flags: UInt8, granule: UInt64, sequence: Int, payload: [UInt8]) -> [UInt8] {
        var granuleBytes: [UInt8] = []
        var value = granule
        for _ in 0..<8 {
            granuleBytes.append(UInt8(value & 0xFF))
            value >>= 8
        }
        return ascii("OggS") + [0, flags] + granuleBytes + le32(0x1234) + le32(sequence) + le32(0) + [1, UInt8(payload.count)] + payload
    }

    /// Ogg Opus with a pre-skip of 312 and `seconds` of audio; `endOfStream: false` leaves the last page unmarked.
    static func opus(seconds: Double, endOfStream: Bool = true) -> [UInt8] {
        let head = ascii("OpusHead") + [1, 1] + le16(312) + le32(48_000) + le16(0) + [0]
        let tags = ascii("OpusTags") + le32(0) + le32(0)
        let audio = [UInt8](repeating: 0xFC, count: 60)
        return oggPage(flags: 0x02, granule: 0, sequence: 0, payload: head) + oggPage(flags: 0, granule: 0, sequence: 1, payload: tags)
            + oggPage(flags: 0, granule: 48_000, sequence: 2, payload: audio)
            + oggPage(flags: endOfStream ? 0x04 : 0, granule: UInt64(48_000 * seconds) + 312, sequence: 3, payload: audio)
    }

    /// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, `frames` frames of 417 bytes.
    static func mp3(frames: Int, id3: Bool = true) -> [UInt8] {
        let frame = [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 413)
        let tag = id3 ? ascii("ID3") + [3, 0, 0, 0, 0, 0, 10] + [UInt8](repeating: 0, count: 10) : []
        return tag + (0..<frames).flatMap { _ in frame }
    }

    static func box(_ type: String, _ body: [UInt8]) -> [UInt8] { be32(8 + body.count) + ascii(type) + body }

    static func m4a(seconds: Double) -> [UInt8] {
        let mvhd = box("mvhd", [0, 0, 0, 0] + be32(0) + be32(0) + be32(1000) + be32(Int(seconds * 1000)) + [UInt8](repeating: 0, count: 80))
        return box("ftyp", ascii("M4A ") + be32(0) + ascii("M4A isom")) + box("moov", mvhd) + box("mdat", [UInt8](repeating: 0, count: 32))
    }

    static func ebml(_ id: [UInt8], _ body: [UInt8]) -> [UInt8] {
        id + [0x01, 0, 0, 0, 0, 0, 0, UInt8(body.count)] + body  // 8-byte size, as muxers often write
    }

    static func webm(seconds: Double, docType: String = "webm") -> [UInt8] {
        let header = ebml([0x1A, 0x45, 0xDF, 0xA3], ebml([0x42, 0x82], ascii(docType)))
        var duration = (seconds * 1000).bitPattern
        var durationBytes: [UInt8] = []
        for _ in 0..<8 {
            durationBytes.append(UInt8(duration >> 56))
            duration <<= 8
        }
        let info = ebml([0x15, 0x49, 0xA9, 0x66], ebml([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40]) + ebml([0x44, 0x89], durationBytes))
        return header + ebml([0x18, 0x53, 0x80, 0x67], info + ebml([0x1F, 0x43, 0xB6, 0x75], [0, 0, 0, 0]))
    }
}
