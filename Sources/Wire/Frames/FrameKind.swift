/// The kind of a Wire frame.
public enum FrameKind: UInt8, Sendable, CaseIterable {
    /// A call: method, deadline and metadata in the header, the encoded request as payload.
    case request = 1
    /// A successful answer to the request with the same stream id; the encoded response as payload.
    case response = 2
    /// A failed answer: status code and message in the header, no payload.
    case error = 3
    /// The client gives up on a call; the server cancels its handler.
    case cancel = 4
    /// A liveness probe; the peer answers with `pong` carrying the same payload.
    case ping = 5
    /// The answer to `ping`.
    case pong = 6
    /// The sender is shutting down: no stream above `lastStreamID` will be processed.
    case goaway = 7
}
