import Wire
import WireRPC

/// What the agent service asks of the media service for a patient's attachments.
public protocol MediaUnderstanding: Sendable {
    func transcribe(_ request: TranscribeAudioRequest) async throws(RPCError) -> AudioTranscription
    func analyse(_ request: AnalyseImageRequest) async throws(RPCError) -> ImageAnalysis
}

/// ``MediaUnderstanding`` through the media service's Wire methods, with the company as the call's tenant. The
/// client must allow media frames (``MediaAPI/maximumFrameSize``), as `ServiceHost.client(for: .media)` does.
public struct MediaServiceClient: MediaUnderstanding {
    let client: RPCClient

    public init(client: RPCClient) { self.client = client }

    public func transcribe(_ request: TranscribeAudioRequest) async throws(RPCError) -> AudioTranscription {
        try await client.call(MediaAPI.transcribe, request, metadata: Self.metadata(request.companyID), timeout: .seconds(90))
    }

    public func analyse(_ request: AnalyseImageRequest) async throws(RPCError) -> ImageAnalysis {
        try await client.call(MediaAPI.analyseImage, request, metadata: Self.metadata(request.companyID), timeout: .seconds(45))
    }

    static func metadata(_ company: CompanyID) -> Metadata {
        var metadata = Metadata()
        metadata.tenant = company.rawValue
        return metadata
    }
}
