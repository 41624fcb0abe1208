/// What a media file is, read from its bytes: format, size, image dimensions, audio duration.
public struct MediaInfo: Sendable, Equatable, Codable {
    public var kind: MediaKind
    public var byteCount: Int
    public var width: Int?
    public var height: Int?
    /// From the audio's headers, when they say (an ADTS AAC stream does not).
    public var durationSeconds: Double?

    public init(kind: MediaKind, byteCount: Int, width: Int? = nil, height: Int? = nil, durationSeconds: Double? = nil) {
        self.kind = kind
        self.byteCount = byteCount
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
    }
}

/// Identifies media from its bytes, never from a name or a declared type, and checks it against the limits
/// before anything else touches it: an unknown format, or one that is not the declared or expected kind, is
/// refused (415); a file over a size, dimension or duration limit too (413); one that ends before its own
/// headers say, or whose headers contradict themselves, as well (400). Only headers are read: the cost does
/// not grow with the file.
public enum MediaInspector {
    public static func inspect(_ bytes: [UInt8], expecting category: MediaKind.Category? = nil, declaredType: String? = nil,
                               limits: MediaLimits = .standard) throws(MediaError) -> MediaInfo {
        let reader = ByteReader(bytes)
        let sniffed = ImageHeaders.sniff(reader) ?? AudioHeaders.sniff(reader)
        guard let kind = sniffed else {
            throw MediaError(.unsupportedFormat, "the file is none of WAV, OGG/Opus, MP3, M4A/AAC, WebM, FLAC, PNG, JPEG, GIF or WebP")
        }
        if let category, kind.category != category {
            throw MediaError(.typeMismatch, "the file is \(kind.category.rawValue) (\(kind.rawValue)), not \(category.rawValue)")
        }
        if let declaredType, !kind.matches(declaredType: declaredType) {
            throw MediaError(.typeMismatch, "the file is \(kind.rawValue) but was declared as \(declaredType.prefix(80))")
        }
        switch kind.category {
        case .image:
            guard bytes.count <= limits.imageBytes else { throw MediaError(.tooLarge, "images may be at most \(limits.imageBytes >> 20) MB") }
            let image = try ImageHeaders.read(kind, reader)
            guard image.width > 0, image.height > 0 else { throw MediaError(.malformed, "the image has no size") }
            guard image.width <= limits.imageSide, image.height <= limits.imageSide, image.width * image.height <= limits.imagePixels else {
                throw MediaError(.tooLarge, "the image is \(image.width)×\(image.height): at most \(limits.imageSide) pixels a side and "
                                 + "\(limits.imagePixels / 1_000_000) megapixels")
            }
            return MediaInfo(kind: kind, byteCount: bytes.count, width: image.width, height: image.height)
        case .audio:
            guard bytes.count <= limits.audioBytes else { throw MediaError(.tooLarge, "audio may be at most \(limits.audioBytes >> 20) MB") }
            let audio = try AudioHeaders.read(kind, reader)
            if let seconds = audio.seconds {
                // A header can claim anything: an infinite or negative length is a broken header, not a long file.
                guard seconds.isFinite, seconds >= 0 else { throw MediaError(.malformed, "the audio's header gives no usable duration") }
                guard seconds <= limits.audioSeconds else {
                    throw MediaError(.tooLarge, "the audio lasts \(Int(min(seconds, 1e12))) s: at most \(Int(limits.audioSeconds)) s")
                }
            }
            return MediaInfo(kind: audio.kind, byteCount: bytes.count, durationSeconds: audio.seconds)
        }
    }
}
