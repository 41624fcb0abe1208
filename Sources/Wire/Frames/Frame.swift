/// One Wire frame: a header and an opaque payload (an encoded message, or ping data).
public struct Frame: Sendable, Equatable {
    public var header: FrameHeader
    public var payload: [UInt8]

    /// Creates a frame.
    public init(header: FrameHeader, payload: [UInt8] = []) {
        self.header = header
        self.payload = payload
    }
}

/// A violation of the framing protocol. The connection that produced it cannot be trusted any more.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: String, Sendable {
        /// The declared frame length is below the fixed header or above the maximum frame size.
        case badLength
        /// The version byte is not one this build speaks.
        case unsupportedVersion
        /// The header fields are malformed (truncated, overlong varint, invalid UTF-8, too large).
        case badHeader
    }

    public var reason: Reason
    public var message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}
