/// Why a media file was refused, with the HTTP status and error code the gateway answers with.
public struct MediaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The bytes are no format the service accepts (415).
        case unsupportedFormat = "unsupported_media_type"
        /// The bytes are a format, but not the one declared or expected (an image sent as audio; 415).
        case typeMismatch = "media_type_mismatch"
        /// Over a size, dimension or duration limit (413).
        case tooLarge = "media_too_large"
        /// The file ends before its own headers say it does (400).
        case truncated = "media_truncated"
        /// The headers contradict themselves (400).
        case malformed = "media_malformed"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var httpStatus: Int {
        switch kind {
        case .unsupportedFormat, .typeMismatch: 415
        case .tooLarge: 413
        case .truncated, .malformed: 400
        }
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}
