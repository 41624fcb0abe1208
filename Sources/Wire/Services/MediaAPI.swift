/// The media service's methods: transcription, image understanding (a vision model or offline OCR), and
/// what each company can process.
///
/// Media travels as one size-checked frame: the media service and its clients allow frames of
/// ``maximumFrameSize`` (the largest accepted file plus room for the rest of the message), every other
/// hop keeps the default 16 MiB, and a larger request is refused by the client before it is sent
/// (`resourceExhausted`, naming both sizes), never read into an unbounded buffer.
public enum MediaAPI {
    /// The Wire service name.
    public static let service = ServiceName.media.rawValue
    /// Speech to text with the company's transcription provider (`unavailable` + `transcription_unavailable`
    /// when it has none: never an invented transcript).
    public static let transcribe = Method<TranscribeAudioRequest, AudioTranscription>(service: service, name: "transcribe", idempotent: true)
    /// What an image shows: the company's vision model, or the built-in analyser (OCR, format, size).
    public static let analyseImage = Method<AnalyseImageRequest, ImageAnalysis>(service: service, name: "analyseImage", idempotent: true)
    /// What the company can process, with which provider, within which limits.
    public static let capabilities = Method<MediaCapabilitiesRequest, MediaCapabilities>(service: service, name: "capabilities", idempotent: true)

    /// The largest audio file accepted anywhere (the transcription APIs' own limit); the gateway's body limit
    /// for voice and the media service's check both follow it.
    public static let maximumAudioBytes = 25 << 20
    /// The largest image accepted anywhere.
    public static let maximumImageBytes = 10 << 20

    /// The largest frame a media hop carries: 25 MiB of audio (the transcription APIs' own limit) plus 1 MiB.
    public static let maximumFrameSize = 26 << 20

    /// The product error codes of media failures, with the HTTP status the gateway answers them with.
    public static let errorStatuses: [String: Int] = [
        "unsupported_media_type": 415, "media_type_mismatch": 415, "media_too_large": 413, "media_truncated": 400, "media_malformed": 400,
        "transcription_unavailable": 503, "provider_unavailable": 503, "provider_rejected": 502,
    ]

    /// Every method the media service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [transcribe.descriptor, analyseImage.descriptor, capabilities.descriptor]
}
