import NetworkCore
import Wire

/// Splits a channel's inbound bytes into frames, enforcing the maximum frame size from the length
/// prefix alone (before waiting for, or allocating, the body).
struct FrameReader {
    let maximumFrameSize: Int

    /// Calls `body` with each complete frame at the front of `buffer` and consumes it.
    /// Throws on a framing violation; the caller must then close the connection.
    func readFrames(
        from buffer: inout InboundBuffer, _ body: (FrameHeader, UnsafeRawBufferPointer) -> Void
    ) throws(FrameError) {
        while buffer.readableBytes >= 4 {
            let consumed: Int = try buffer.withReadableBytes { (raw) throws(FrameError) -> Int in
                guard case .complete(let length) = try FrameCodec.peek(raw, maximumFrameSize: maximumFrameSize) else {
                    return 0
                }
                let frame = UnsafeRawBufferPointer(rebasing: raw[0..<length])
                let (header, payloadStart) = try FrameCodec.decodeHeader(frame)
                body(header, UnsafeRawBufferPointer(rebasing: frame[payloadStart...]))
                return length
            }
            if consumed == 0 { return }
            buffer.consume(consumed)
        }
    }
}
