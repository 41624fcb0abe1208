import NetworkCore
import Wire

/// Splits a channel's inbound bytes into frames, enforcing the maximum frame size from the length
/// prefix alone, before waiting for or allocating the body.
///
/// An oversized frame does not cost the connection: its fixed header names the stream, the reader
/// reports it once (the caller fails that one call with `resourceExhausted`) and then discards its bytes
/// as they arrive, without buffering them. Only a framing violation (a bad length, version or kind, a
/// malformed header) ends the connection.
struct FrameReader {
    /// A frame refused for its size.
    struct OversizedFrame {
        var kind: FrameKind
        var streamID: UInt32
        var length: Int
    }

    let maximumFrameSize: Int
    /// Bytes of an oversized frame still to discard.
    private(set) var skipping = 0

    init(maximumFrameSize: Int) { self.maximumFrameSize = maximumFrameSize }

    /// Whether the reader is between frames with nothing left of the current one.
    var isIdle: Bool { skipping == 0 }

    /// Calls `onFrame` with each complete frame at the front of `buffer` and consumes it, and `onOversized`
    /// once for each frame over the size limit. Throws on a framing violation; the caller must then close
    /// the connection.
    mutating func readFrames(
        from buffer: inout InboundBuffer, _ onFrame: (FrameHeader, UnsafeRawBufferPointer) -> Void,
        onOversized: (OversizedFrame) -> Void
    ) throws(FrameError) {
        while true {
            if skipping > 0 {
                let take = min(skipping, buffer.readableBytes)
                buffer.consume(take)
                skipping -= take
                if skipping > 0 { return }
            }
            guard buffer.readableBytes >= 4 else { return }
            enum Step { case wait, consumed(Int), oversized(OversizedFrame) }
            let step: Step = try buffer.withReadableBytes { (raw) throws(FrameError) -> Step in
                switch try FrameCodec.peek(raw, maximumFrameSize: maximumFrameSize) {
                case .incomplete:
                    return .wait
                case .oversized(let length):
                    guard let fixed = try FrameCodec.fixedHeader(raw) else { return .wait }
                    return .oversized(OversizedFrame(kind: fixed.kind, streamID: fixed.streamID, length: length))
                case .complete(let length):
                    let frame = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                    let (header, payloadStart) = try FrameCodec.decodeHeader(frame)
                    onFrame(header, UnsafeRawBufferPointer(rebasing: frame[payloadStart...]))
                    return .consumed(length)
                }
            }
            switch step {
            case .wait:
                return
            case .consumed(let length):
                buffer.consume(length)
            case .oversized(let frame):
                onOversized(frame)
                skipping = frame.length
            }
        }
    }
}
