import Testing
@testable import Wire

@Suite struct FrameCodecTests {
    @Test func frame_RoundTripsEveryHeaderField() throws {
        var metadata = Metadata()
        metadata.requestID = "rid-1"
        metadata.tenant = "benova"
        metadata.add("x-custom", "ünïcode")
        let header = FrameHeader(
            kind: .request, streamID: 0xDEAD_BEEF, method: "config/getCompany", timeoutMicroseconds: 1_500_000,
            metadata: metadata, status: .resourceExhausted, message: "m", lastStreamID: 77)
        let bytes = FrameCodec.encode(Frame(header: header, payload: Array(repeating: 9, count: 300)))
        let decoded = try bytes.withUnsafeBytes { raw in
            #expect(try FrameCodec.peek(raw, maximumFrameSize: 1 << 20) == .complete(length: bytes.count))
            return try FrameCodec.decode(raw)
        }
        #expect(decoded.header == header)
        #expect(decoded.payload == Array(repeating: 9, count: 300))
    }

    @Test func oversizedLength_IsReportedFromThePrefixAlone() throws {
        let prefix: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF]
        let peek = try prefix.withUnsafeBytes { try FrameCodec.peek($0, maximumFrameSize: FrameCodec.defaultMaximumFrameSize) }
        #expect(peek == .oversized(length: 0x7FFF_FFFF + 4))
        // The fixed header names the stream to fail, and refuses an unknown version or kind.
        let request = FrameCodec.encode(Frame(header: FrameHeader(kind: .request, streamID: 9, method: "a/b")))
        let fixed = try request.withUnsafeBytes { try FrameCodec.fixedHeader($0) }
        #expect(fixed?.kind == .request && fixed?.streamID == 9)
        #expect(try request.prefix(11).withUnsafeBytes { try FrameCodec.fixedHeader($0) } == nil)
        var badKind = request
        badKind[5] = 99
        #expect(throws: FrameError.self) { try badKind.withUnsafeBytes { try FrameCodec.fixedHeader($0) } }
        let tiny: [UInt8] = [0, 0, 0, 3, 1, 1, 0]
        #expect(throws: FrameError.self) { try tiny.withUnsafeBytes { try FrameCodec.peek($0, maximumFrameSize: 100) } }
    }

    @Test func partialFrames_AreIncomplete() throws {
        let bytes = FrameCodec.encode(Frame(header: FrameHeader(kind: .ping, streamID: 0), payload: [1, 2, 3]))
        for length in 0..<bytes.count {
            let peek = try bytes[0..<length].withUnsafeBytes { try FrameCodec.peek($0, maximumFrameSize: 1024) }
            if case .complete = peek { Issue.record("complete at \(length)") }
        }
    }

    @Test func unknownHeaderFields_AreSkipped() throws {
        var bytes = FrameCodec.encode(Frame(header: FrameHeader(kind: .cancel, streamID: 5)))
        // Append field 15 (varint) to the header fields: fields length byte is at offset 12.
        bytes.insert(contentsOf: [15 << 3, 42], at: 13)
        bytes[12] += 2
        bytes[3] += 2
        let frame = try bytes.withUnsafeBytes { try FrameCodec.decode($0) }
        #expect(frame.header.kind == .cancel)
        #expect(frame.header.streamID == 5)
    }

    @Test func badVersionAndKind_AreRejected() throws {
        var bytes = FrameCodec.encode(Frame(header: FrameHeader(kind: .ping, streamID: 1)))
        bytes[4] = 9
        #expect(throws: FrameError.self) { try bytes.withUnsafeBytes { try FrameCodec.decode($0) } }
        bytes[4] = 1
        bytes[5] = 200
        #expect(throws: FrameError.self) { try bytes.withUnsafeBytes { try FrameCodec.decode($0) } }
    }

    /// A mutated frame is refused with a `FrameError`, reported incomplete or oversized from its length
    /// alone, or decodes to a frame that encodes and decodes to itself; rejections must actually happen.
    @Test func mutatedFrames_AreRejectedCleanly_OrDecodeStably() throws {
        var generator = SeededGenerator(seed: 7)
        var metadata = Metadata()
        metadata.tenant = "dental"
        let valid = FrameCodec.encode(Frame(
            header: FrameHeader(kind: .request, streamID: 3, method: "a/b", timeoutMicroseconds: 10, metadata: metadata),
            payload: [1, 2, 3]))
        var rejected = 0
        var decoded = 0
        for _ in 0..<20_000 {
            var bytes = valid
            let index = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[index] = UInt8.random(in: 0...255, using: &generator)
            do {
                let frame: Frame? = try bytes.withUnsafeBytes { (raw) throws(FrameError) -> Frame? in
                    guard case .complete(let length) = try FrameCodec.peek(raw, maximumFrameSize: 4096) else { return nil }
                    return try FrameCodec.decode(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
                }
                guard let frame else { continue }
                decoded += 1
                let again = try FrameCodec.encode(frame).withUnsafeBytes { (raw) throws(FrameError) in try FrameCodec.decode(raw) }
                #expect(again == frame)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 100 && decoded > 100, "rejected \(rejected), decoded \(decoded)")
    }
}
