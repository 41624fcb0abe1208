import Foundation

/// The media formats the service accepts, named by what their bytes are (never by a file name or a declared
/// type), with the MIME type sent on to providers.
public enum MediaKind: String, Sendable, Equatable, CaseIterable, Codable {
    case wav, ogg, opus, mp3, m4a, aac, webm, flac
    case png, jpeg, gif, webp

    public enum Category: String, Sendable, Equatable, Codable {
        case audio, image
    }

    public var category: Category {
        switch self {
        case .wav, .ogg, .opus, .mp3, .m4a, .aac, .webm, .flac: .audio
        case .png, .jpeg, .gif, .webp: .image
        }
    }

    /// The type providers get (a `data:` URL's, a multipart part's).
    public var mimeType: String {
        switch self {
        case .wav: "audio/wav"
        case .ogg: "audio/ogg"
        case .opus: "audio/ogg; codecs=opus"
        case .mp3: "audio/mpeg"
        case .m4a: "audio/mp4"
        case .aac: "audio/aac"
        case .webm: "audio/webm"
        case .flac: "audio/flac"
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .gif: "image/gif"
        case .webp: "image/webp"
        }
    }

    /// The file extension the transcription API expects in the multipart file name (it reads the format from it).
    public var fileExtension: String {
        switch self {
        case .opus: "ogg"
        case .aac: "aac"
        case .jpeg: "jpg"
        default: rawValue
        }
    }

    /// Whether a declared MIME type (a multipart part's, Chatwoot's `content_type`) names this kind or one
    /// compatible with it (`audio/ogg` for Opus in Ogg, `audio/x-wav` for WAV, `video/webm` for WebM audio).
    public func matches(declaredType: String) -> Bool {
        let type = declaredType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard !type.isEmpty, type != "application/octet-stream" else { return true }
        let accepted: Set<String> = switch self {
        case .wav: ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"]
        case .ogg, .opus: ["audio/ogg", "audio/opus", "application/ogg", "audio/x-opus+ogg"]
        case .mp3: ["audio/mpeg", "audio/mp3", "audio/x-mp3", "audio/mpeg3"]
        case .m4a: ["audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac", "video/mp4"]
        case .aac: ["audio/aac", "audio/x-aac", "audio/aacp"]
        case .webm: ["audio/webm", "video/webm"]
        case .flac: ["audio/flac", "audio/x-flac"]
        case .png: ["image/png"]
        case .jpeg: ["image/jpeg", "image/jpg", "image/pjpeg"]
        case .gif: ["image/gif"]
        case .webp: ["image/webp"]
        }
        return accepted.contains(type)
    }
}
