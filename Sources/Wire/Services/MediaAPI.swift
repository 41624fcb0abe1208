/// The media service's methods: transcription, image description, OCR.
public enum MediaAPI {
    /// The Wire service name.
    public static let service = ServiceName.media.rawValue
    /// Every method the media service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}
