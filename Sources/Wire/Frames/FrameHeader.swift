/// The header of a Wire frame.
///
/// On the wire a frame is:
/// ```
/// u32 BE  length of everything that follows (≥ 8, ≤ the maximum frame size)
/// u8      protocol version (1)
/// u8      kind (FrameKind)
/// u16 BE  flags (reserved, 0)
/// u32 BE  stream id
/// varint  length of the header fields, then the fields
/// ...     payload (the rest of the frame)
/// ```
/// Header fields are protobuf-style tagged values (`tag = field << 3 | wireType`, wire type 0 = varint,
/// 2 = length-delimited), so fields can be added later: a reader skips the fields it does not know.
/// Fields: 1 method, 2 timeout in microseconds (relative, to avoid clock skew), 3 metadata entry
/// (repeated; key and value each length-delimited inside), 4 status code, 5 status message,
/// 6 last stream id (goaway).
public struct FrameHeader: Sendable, Equatable {
    /// The protocol version this build speaks.
    public static let currentVersion: UInt8 = 1

    public var version: UInt8
    public var kind: FrameKind
    public var flags: UInt16
    public var streamID: UInt32
    /// `service/method` (requests).
    public var method: String?
    /// Time remaining until the caller's deadline, in microseconds (requests; nil = no deadline).
    public var timeoutMicroseconds: UInt64?
    /// Tracing, tenant and caller metadata (requests, responses, errors).
    public var metadata: Metadata
    /// The status code (errors).
    public var status: StatusCode?
    /// The status message (errors, goaway).
    public var message: String?
    /// The last stream id the sender will process (goaway).
    public var lastStreamID: UInt32?

    /// Creates a header.
    public init(
        kind: FrameKind, streamID: UInt32, method: String? = nil, timeoutMicroseconds: UInt64? = nil,
        metadata: Metadata = Metadata(), status: StatusCode? = nil, message: String? = nil,
        lastStreamID: UInt32? = nil, version: UInt8 = FrameHeader.currentVersion, flags: UInt16 = 0
    ) {
        self.version = version
        self.kind = kind
        self.flags = flags
        self.streamID = streamID
        self.method = method
        self.timeoutMicroseconds = timeoutMicroseconds
        self.metadata = metadata
        self.status = status
        self.message = message
        self.lastStreamID = lastStreamID
    }
}
