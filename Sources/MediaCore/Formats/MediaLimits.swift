import Wire

/// The limits every media file is checked against where it enters (the REST endpoints, Chatwoot downloads).
public struct MediaLimits: Sendable, Equatable {
    /// The transcription API's own limit.
    public var audioBytes: Int
    public var imageBytes: Int
    /// The longest side of an image, in pixels.
    public var imageSide: Int
    /// Width × height.
    public var imagePixels: Int
    /// The longest audio accepted, from its header.
    public var audioSeconds: Double

    public init(audioBytes: Int = MediaAPI.maximumAudioBytes, imageBytes: Int = MediaAPI.maximumImageBytes, imageSide: Int = 10_000, imagePixels: Int = 40_000_000,
                audioSeconds: Double = 15 * 60) {
        self.audioBytes = audioBytes
        self.imageBytes = imageBytes
        self.imageSide = imageSide
        self.imagePixels = imagePixels
        self.audioSeconds = audioSeconds
    }

    public static let standard = MediaLimits()
}
