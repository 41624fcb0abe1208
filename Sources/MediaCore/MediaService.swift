import Wire
import WireRPC

/// The media service's Wire API. It holds no tenant data yet: transcription, image understanding and
/// OCR arrive with the media issue and register here, replacing the purge that has nothing to erase.
public struct MediaService: Sendable {
    public init() {}

    /// Registers the methods.
    public func register(on router: inout RPCRouter) {
        router.registerNoTenantDataPurge(service: ServiceName.media.rawValue)
    }
}
