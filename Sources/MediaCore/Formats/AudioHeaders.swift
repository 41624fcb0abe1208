import Foundation

/// Reads an audio file's format and, where its headers say, its duration (WAV, Ogg Opus/Vorbis, MP3, M4A,
/// ADTS AAC, WebM, FLAC), and whether the file is whole.
enum AudioHeaders {
    struct Audio: Equatable {
        var kind: MediaKind
        var seconds: Double?
    }

    /// The audio kind the bytes start with, if any.
    static func sniff(_ reader: ByteReader) -> MediaKind? {
        if reader.matches("RIFF") && reader.matches("WAVE", at: 8) { return .wav }
        if reader.matches("OggS") { return reader.matches("OpusHead", at: oggPayload(reader) ?? 28) ? .opus : .ogg }
        if reader.matches("fLaC") { return .flac }
        if reader.matches("ftyp", at: 4) { return .m4a }
        if reader.matches([0x1A, 0x45, 0xDF, 0xA3]) { return .webm }
        if reader.matches("ID3") { return .mp3 }
        if let first = reader.byte(0), let second = reader.byte(1), first == 0xFF {
            if second & 0xF6 == 0xF0 { return .aac }  // ADTS: 12-bit sync, layer 00
            if second & 0xE0 == 0xE0 && (second >> 1) & 0x03 != 0 { return .mp3 }
        }
        return nil
    }

    static func read(_ kind: MediaKind, _ reader: ByteReader) throws(MediaError) -> Audio {
        switch kind {
        case .wav: return try wav(reader)
        case .ogg, .opus: return try ogg(kind, reader)
        case .flac: return try flac(reader)
        case .m4a: return try m4a(reader)
        case .webm: return try webm(reader)
        case .mp3: return try mp3(reader)
        default: return Audio(kind: kind, seconds: nil)
        }
    }

    // MARK: WAV

    /// `fmt ` gives the byte rate, `data` the length: duration = data / byte rate; a data chunk longer than the
    /// file is a truncated file (0xFFFFFFFF, a streamed WAV's "unknown", is taken as "to the end").
    static func wav(_ reader: ByteReader) throws(MediaError) -> Audio {
        var offset = 12
        var byteRate: Int?
        while reader.has(offset, 8) {
            guard let length = reader.uint32LE(offset + 4) else { break }
            if reader.matches("fmt ", at: offset) {
                byteRate = reader.uint32LE(offset + 16)
            } else if reader.matches("data", at: offset) {
                let available = reader.count - offset - 8
                guard length == 0xFFFF_FFFF || length <= available else {
                    throw MediaError(.truncated, "the WAV's data chunk says \(length) bytes, the file has \(available)")
                }
                guard let byteRate, byteRate > 0 else { throw MediaError(.malformed, "the WAV has no format chunk before its data") }
                return Audio(kind: .wav, seconds: Double(length == 0xFFFF_FFFF ? available : length) / Double(byteRate))
            }
            offset += 8 + length + (length & 1)
        }
        throw MediaError(.truncated, "the WAV has no data chunk")
    }

    // MARK: Ogg

    /// Where the first page's payload starts (after the 27-byte header and its segment table).
    static func oggPayload(_ reader: ByteReader) -> Int? {
        guard let segments = reader.byte(26) else { return nil }
        return 27 + Int(segments)
    }

    /// The last page's granule position over the codec's rate (Opus: 48 kHz less the pre-skip); the last page
    /// must be whole and marked end-of-stream.
    static func ogg(_ kind: MediaKind, _ reader: ByteReader) throws(MediaError) -> Audio {
        guard let payload = oggPayload(reader), reader.has(payload, 19) else { throw MediaError(.truncated, "the Ogg file ends in its first page") }
        let rate: Double
        var preSkip = 0.0
        if kind == .opus {
            rate = 48_000
            preSkip = Double(reader.uint16LE(payload + 10) ?? 0)
        } else {
            guard reader.matches([0x01] + Array("vorbis".utf8), at: payload), let sampleRate = reader.uint32LE(payload + 12), sampleRate > 0 else {
                throw MediaError(.unsupportedFormat, "the Ogg stream is neither Opus nor Vorbis")
            }
            rate = Double(sampleRate)
        }
        // The last page starts at the last "OggS" whose page fits exactly up to the end of the file.
        var start = reader.count - 27
        let floor = max(0, reader.count - 70_000)
        while start >= floor {
            if reader.matches("OggS", at: start), let segments = reader.byte(start + 26), reader.has(start + 27, Int(segments)) {
                let body = (0..<Int(segments)).reduce(0) { $0 + Int(reader.byte(start + 27 + $1) ?? 0) }
                if start + 27 + Int(segments) + body == reader.count {
                    guard let flags = reader.byte(start + 5), flags & 0x04 != 0 else {
                        throw MediaError(.truncated, "the Ogg stream ends without its end-of-stream page")
                    }
                    let granule = Double(reader.uint64LE(start + 6) ?? 0)
                    return Audio(kind: kind, seconds: max(0, granule - preSkip) / rate)
                }
            }
            start -= 1
        }
        throw MediaError(.truncated, "the Ogg file ends inside a page")
    }

    // MARK: FLAC

    /// STREAMINFO: 20-bit sample rate and 36-bit total samples.
    static func flac(_ reader: ByteReader) throws(MediaError) -> Audio {
        guard reader.byte(4).map({ $0 & 0x7F }) == 0, reader.has(8, 34), let packed = reader.uint64BE(18) else {
            throw MediaError(.truncated, "the FLAC file has no STREAMINFO block")
        }
        let sampleRate = Double(packed >> 44)
        let samples = Double(packed & 0xF_FFFF_FFFF)
        guard sampleRate > 0 else { throw MediaError(.malformed, "the FLAC STREAMINFO has no sample rate") }
        guard reader.count > 42 else { throw MediaError(.truncated, "the FLAC file has no audio frames") }
        return Audio(kind: .flac, seconds: samples > 0 ? samples / sampleRate : nil)
    }

    // MARK: MP4 (M4A)

    /// Top-level boxes must fit the file; `moov.mvhd` gives duration / timescale.
    static func m4a(_ reader: ByteReader) throws(MediaError) -> Audio {
        var offset = 0
        var seconds: Double?
        var sawMovie = false
        while reader.has(offset, 8) {
            guard var size = reader.uint32BE(offset) else { break }
            var header = 8
            if size == 1 {
                guard let large = reader.uint64BE(offset + 8), large <= UInt64(Int.max) else { throw MediaError(.malformed, "an MP4 box is too large") }
                size = Int(large)
                header = 16
            } else if size == 0 {
                size = reader.count - offset
            }
            guard size >= header else { throw MediaError(.malformed, "an MP4 box is shorter than its header") }
            guard size <= reader.count - offset else { throw MediaError(.truncated, "an MP4 box runs past the end of the file") }
            if reader.matches("moov", at: offset + 4) {
                sawMovie = true
                seconds = movieDuration(reader, from: offset + header, to: offset + size)
            }
            offset += size
        }
        guard sawMovie else { throw MediaError(.truncated, "the MP4 file has no movie box (moov)") }
        return Audio(kind: .m4a, seconds: seconds)
    }

    static func movieDuration(_ reader: ByteReader, from start: Int, to end: Int) -> Double? {
        var offset = start
        while offset + 8 <= end, let size = reader.uint32BE(offset), size >= 8 {
            if reader.matches("mvhd", at: offset + 4), let version = reader.byte(offset + 8) {
                let timescale = version == 1 ? reader.uint32BE(offset + 28) : reader.uint32BE(offset + 20)
                let duration = version == 1 ? reader.uint64BE(offset + 32).map(Double.init) : reader.uint32BE(offset + 24).map(Double.init)
                guard let timescale, timescale > 0, let duration else { return nil }
                return duration / Double(timescale)
            }
            offset += size
        }
        return nil
    }

    // MARK: WebM

    /// The EBML header's DocType must be `webm`; the Segment's Info gives Duration × TimecodeScale.
    static func webm(_ reader: ByteReader) throws(MediaError) -> Audio {
        guard let (headerSize, headerData) = ebmlElement(reader, at: 4) else { throw MediaError(.truncated, "the WebM header is cut") }
        let docType = findElement(reader, id: 0x4282, from: headerData, to: headerData + headerSize)
            .map { String(decoding: reader.bytes[$0.start..<min(reader.count, $0.start + $0.size)], as: UTF8.self) }
        guard docType == "webm" else { throw MediaError(.unsupportedFormat, "the Matroska file is not WebM (DocType \(docType ?? "none"))") }
        let segmentStart = headerData + headerSize
        guard reader.matches([0x18, 0x53, 0x80, 0x67], at: segmentStart), let (segmentSize, segmentData) = ebmlElement(reader, at: segmentStart + 4) else {
            throw MediaError(.truncated, "the WebM file has no segment")
        }
        let unknownSize = segmentSize == -1
        if !unknownSize && segmentData + segmentSize > reader.count { throw MediaError(.truncated, "the WebM segment runs past the end of the file") }
        let segmentEnd = unknownSize ? reader.count : segmentData + segmentSize
        guard let info = findElement(reader, id: 0x1549A966, from: segmentData, to: segmentEnd) else { return Audio(kind: .webm, seconds: nil) }
        let scale = findElement(reader, id: 0x2AD7B1, from: info.start, to: info.start + info.size).flatMap { unsigned(reader, $0) } ?? 1_000_000
        guard let duration = findElement(reader, id: 0x4489, from: info.start, to: info.start + info.size).flatMap({ float(reader, $0) }) else {
            return Audio(kind: .webm, seconds: nil)
        }
        return Audio(kind: .webm, seconds: duration * Double(scale) / 1e9)
    }

    /// An EBML variable-length size at `offset`: (size, where the data starts); size -1 for "unknown".
    static func ebmlElement(_ reader: ByteReader, at offset: Int) -> (Int, Int)? {
        guard let first = reader.byte(offset), first != 0 else { return nil }
        let length = first.leadingZeroBitCount + 1
        guard length <= 8, reader.has(offset, length) else { return nil }
        var value = Int(first & (0xFF >> length))
        var allOnes = value == (0xFF >> length)
        for index in 1..<length {
            let byte = reader.bytes[offset + index]
            value = value << 8 | Int(byte)
            allOnes = allOnes && byte == 0xFF
        }
        return (allOnes ? -1 : value, offset + length)
    }

    /// The first element with `id` among the children in `from..<to` (not descending).
    static func findElement(_ reader: ByteReader, id: Int, from start: Int, to end: Int) -> (start: Int, size: Int)? {
        var offset = start
        var steps = 0
        while offset < end && steps < 10_000 {
            steps += 1
            guard let first = reader.byte(offset), first != 0 else { return nil }
            let idLength = first.leadingZeroBitCount + 1
            guard idLength <= 4, reader.has(offset, idLength) else { return nil }
            let elementID = (0..<idLength).reduce(0) { $0 << 8 | Int(reader.bytes[offset + $1]) }
            guard let (size, data) = ebmlElement(reader, at: offset + idLength), size >= 0 else { return nil }
            if elementID == id { return (data, size) }
            offset = data + size
        }
        return nil
    }

    static func unsigned(_ reader: ByteReader, _ element: (start: Int, size: Int)) -> Int? {
        guard element.size > 0 && element.size <= 8, reader.has(element.start, element.size) else { return nil }
        return (0..<element.size).reduce(0) { $0 << 8 | Int(reader.bytes[element.start + $1]) }
    }

    static func float(_ reader: ByteReader, _ element: (start: Int, size: Int)) -> Double? {
        if element.size == 4, let bits = reader.uint32BE(element.start) { return Double(Float(bitPattern: UInt32(bits))) }
        if element.size == 8, let bits = reader.uint64BE(element.start) { return Double(bitPattern: bits) }
        return nil
    }

    // MARK: MP3

    /// Layer III frame header after any ID3v2 tag: a Xing/Info header's frame count, else the constant
    /// bit rate over the audio's size.
    static func mp3(_ reader: ByteReader) throws(MediaError) -> Audio {
        var offset = 0
        if reader.matches("ID3") {
            guard reader.has(6, 4) else { throw MediaError(.truncated, "the MP3's ID3 tag is cut") }
            let size = (6..<10).reduce(0) { $0 << 7 | Int(reader.bytes[$1] & 0x7F) }
            offset = 10 + size
        }
        while reader.byte(offset) == 0x00 && offset < reader.count { offset += 1 }
        guard reader.byte(offset) == 0xFF, let second = reader.byte(offset + 1), second & 0xE0 == 0xE0, let third = reader.byte(offset + 2) else {
            throw MediaError(reader.count <= offset + 4 ? .truncated : .malformed, "the MP3 has no frame header after its tag")
        }
        let version = (second >> 3) & 0x03  // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
        let layer = (second >> 1) & 0x03  // 1: Layer III
        guard layer == 1, version != 1 else { throw MediaError(.unsupportedFormat, "the MPEG audio is not Layer III") }
        let mpeg1 = version == 3
        let bitrates = mpeg1 ? [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0] : [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0]
        let rates = mpeg1 ? [44_100, 48_000, 32_000] : (version == 2 ? [22_050, 24_000, 16_000] : [11_025, 12_000, 8_000])
        let bitrate = bitrates[Int(third >> 4)] * 1000
        let rateIndex = Int((third >> 2) & 0x03)
        guard bitrate > 0, rateIndex < 3 else { throw MediaError(.malformed, "the MP3 frame header has no bit rate or sample rate") }
        let sampleRate = rates[rateIndex]
        let samplesPerFrame = mpeg1 ? 1152 : 576
        let mono = (reader.byte(offset + 3) ?? 0) >> 6 == 3
        let sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17)
        let xing = offset + 4 + sideInfo
        if reader.matches("Xing", at: xing) || reader.matches("Info", at: xing), let flags = reader.uint32BE(xing + 4), flags & 1 != 0,
           let frames = reader.uint32BE(xing + 8) {
            return Audio(kind: .mp3, seconds: Double(frames * samplesPerFrame) / Double(sampleRate))
        }
        let frameLength = samplesPerFrame / 8 * bitrate / sampleRate + Int((third >> 1) & 0x01)
        if reader.count > offset + frameLength + 2 {
            guard reader.byte(offset + frameLength) == 0xFF, (reader.byte(offset + frameLength + 1) ?? 0) & 0xE0 == 0xE0 else {
                throw MediaError(.malformed, "the MP3's second frame is not where its first frame header says")
            }
        }
        return Audio(kind: .mp3, seconds: Double(reader.count - offset) * 8 / Double(bitrate))
    }
}
