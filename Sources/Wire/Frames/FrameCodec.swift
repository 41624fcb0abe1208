/// Encodes frames and decodes them from a stream of bytes.
public enum FrameCodec {
    /// The default maximum frame size: 16 MiB.
    public static let defaultMaximumFrameSize = 16 * 1024 * 1024
    /// Bytes of the fixed part after the length prefix.
    static let fixedHeaderSize = 8
    /// Header fields larger than this are rejected.
    public static let maximumHeaderFieldsSize = 64 * 1024

    // MARK: Encoding

    /// Appends one frame with `payload` to `buffer`.
    public static func encode(
        _ header: FrameHeader, payload: UnsafeRawBufferPointer, into buffer: inout [UInt8]
    ) {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0])  // length, patched below
        buffer.append(header.version)
        buffer.append(header.kind.rawValue)
        buffer.append(UInt8(truncatingIfNeeded: header.flags >> 8))
        buffer.append(UInt8(truncatingIfNeeded: header.flags))
        appendBigEndian(header.streamID, to: &buffer)
        let fieldsLengthOffset = buffer.count
        buffer.append(0)  // fields length placeholder (one byte; widened below if needed)
        let fieldsStart = buffer.count
        if let method = header.method { appendString(field: 1, method, to: &buffer) }
        if let timeout = header.timeoutMicroseconds { appendVarint(field: 2, timeout, to: &buffer) }
        for entry in header.metadata {
            var inner: [UInt8] = []
            appendString(field: 1, entry.key, to: &inner)
            appendString(field: 2, entry.value, to: &inner)
            Varint.append(3 << 3 | 2, to: &buffer)
            Varint.append(UInt64(inner.count), to: &buffer)
            buffer.append(contentsOf: inner)
        }
        if let status = header.status { appendVarint(field: 4, UInt64(status.rawValue), to: &buffer) }
        if let message = header.message { appendString(field: 5, message, to: &buffer) }
        if let last = header.lastStreamID { appendVarint(field: 6, UInt64(last), to: &buffer) }
        let fieldsLength = UInt64(buffer.count - fieldsStart)
        let lengthBytes = Varint.length(fieldsLength)
        if lengthBytes > 1 {
            buffer.insert(contentsOf: repeatElement(0, count: lengthBytes - 1), at: fieldsStart)
        }
        Varint.write(fieldsLength, to: &buffer, at: fieldsLengthOffset)
        buffer.append(contentsOf: payload)
        let frameLength = UInt32(truncatingIfNeeded: buffer.count - start - 4)
        buffer[start] = UInt8(truncatingIfNeeded: frameLength >> 24)
        buffer[start + 1] = UInt8(truncatingIfNeeded: frameLength >> 16)
        buffer[start + 2] = UInt8(truncatingIfNeeded: frameLength >> 8)
        buffer[start + 3] = UInt8(truncatingIfNeeded: frameLength)
    }

    /// Appends one frame with `payload` to `buffer`.
    public static func encode(_ header: FrameHeader, payload: [UInt8] = [], into buffer: inout [UInt8]) {
        payload.withUnsafeBytes { encode(header, payload: $0, into: &buffer) }
    }

    /// Encodes one frame into a new array.
    public static func encode(_ frame: Frame) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(frame.payload.count + 64)
        encode(frame.header, payload: frame.payload, into: &buffer)
        return buffer
    }

    private static func appendBigEndian(_ value: UInt32, to buffer: inout [UInt8]) {
        buffer.append(UInt8(truncatingIfNeeded: value >> 24))
        buffer.append(UInt8(truncatingIfNeeded: value >> 16))
        buffer.append(UInt8(truncatingIfNeeded: value >> 8))
        buffer.append(UInt8(truncatingIfNeeded: value))
    }

    private static func appendVarint(field: UInt64, _ value: UInt64, to buffer: inout [UInt8]) {
        Varint.append(field << 3, to: &buffer)
        Varint.append(value, to: &buffer)
    }

    private static func appendString(field: UInt64, _ value: String, to buffer: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            Varint.append(field << 3 | 2, to: &buffer)
            Varint.append(UInt64(utf8.count), to: &buffer)
            buffer.append(contentsOf: utf8)
        }
    }

    // MARK: Decoding

    /// The outcome of looking at the front of a byte stream.
    public enum Peek: Sendable, Equatable {
        /// Fewer bytes than a complete frame; `needed` is the total the next frame takes (when known).
        case incomplete(needed: Int?)
        /// A complete frame of `length` bytes (prefix included) is at the front.
        case complete(length: Int)
        /// The frame at the front declares `length` bytes (prefix included), more than the maximum: it is
        /// never buffered; a reader skips it as it arrives and fails just that stream.
        case oversized(length: Int)
    }

    /// Checks the length prefix at the front of `bytes` against `maximumFrameSize` before anything is
    /// allocated, and reports whether a whole frame is available.
    public static func peek(
        _ bytes: UnsafeRawBufferPointer, maximumFrameSize: Int
    ) throws(FrameError) -> Peek {
        guard bytes.count >= 4 else { return .incomplete(needed: nil) }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length >= fixedHeaderSize else {
            throw FrameError(.badLength, "frame length \(length) is below the \(fixedHeaderSize)-byte header")
        }
        let total = length + 4
        guard length <= maximumFrameSize else { return .oversized(length: total) }
        return bytes.count >= total ? .complete(length: total) : .incomplete(needed: total)
    }

    /// The kind and stream id of the frame at the front of `bytes`, from its fixed header alone (nil until
    /// 12 bytes are there). Throws on an unknown version or kind.
    public static func fixedHeader(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> (kind: FrameKind, streamID: UInt32)? {
        guard bytes.count >= 4 + fixedHeaderSize else { return nil }
        guard bytes[4] == FrameHeader.currentVersion else {
            throw FrameError(.unsupportedVersion, "protocol version \(bytes[4]) is not supported")
        }
        guard let kind = FrameKind(rawValue: bytes[5]) else { throw FrameError(.badHeader, "unknown frame kind \(bytes[5])") }
        let streamID = UInt32(bytes[8]) << 24 | UInt32(bytes[9]) << 16 | UInt32(bytes[10]) << 8 | UInt32(bytes[11])
        return (kind, streamID)
    }

    /// Decodes one complete frame (as delimited by ``peek(_:maximumFrameSize:)``).
    public static func decode(_ frame: UnsafeRawBufferPointer) throws(FrameError) -> Frame {
        let (header, payloadStart) = try decodeHeader(frame)
        return Frame(header: header, payload: Array(frame[payloadStart...]))
    }

    /// Decodes the header of one complete frame and returns it with the offset where the payload starts.
    /// A frame of an unknown kind decodes with `kind == nil` reported as `FrameError` by callers that care;
    /// here it is rejected as a bad header only when its version is unknown.
    public static func decodeHeader(_ frame: UnsafeRawBufferPointer) throws(FrameError) -> (FrameHeader, Int) {
        guard frame.count >= 4 + fixedHeaderSize else { throw FrameError(.badLength, "frame too short") }
        let version = frame[4]
        guard version == FrameHeader.currentVersion else {
            throw FrameError(.unsupportedVersion, "protocol version \(version) is not supported")
        }
        guard let kind = FrameKind(rawValue: frame[5]) else {
            throw FrameError(.badHeader, "unknown frame kind \(frame[5])")
        }
        let flags = UInt16(frame[6]) << 8 | UInt16(frame[7])
        let streamID = UInt32(frame[8]) << 24 | UInt32(frame[9]) << 16 | UInt32(frame[10]) << 8 | UInt32(frame[11])
        var header = FrameHeader(kind: kind, streamID: streamID, version: version, flags: flags)
        var offset = 12
        let fieldsLength: UInt64
        do {
            fieldsLength = try Varint.read(frame, at: &offset, end: frame.count)
        } catch {
            throw FrameError(.badHeader, "header length: \(error.message)")
        }
        guard fieldsLength <= UInt64(frame.count - offset), fieldsLength <= UInt64(maximumHeaderFieldsSize) else {
            throw FrameError(.badHeader, "header fields of \(fieldsLength) bytes do not fit the frame")
        }
        let fieldsEnd = offset + Int(fieldsLength)
        do {
            try decodeFields(frame, from: offset, to: fieldsEnd, into: &header)
        } catch let error as FrameError {
            throw error
        } catch {
            throw FrameError(.badHeader, "\(error)")
        }
        return (header, fieldsEnd)
    }

    private static func decodeFields(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, into header: inout FrameHeader
    ) throws {
        var offset = start
        while offset < end {
            let tag = try Varint.read(bytes, at: &offset, end: end)
            let field = tag >> 3
            switch tag & 7 {
            case 0:
                let value = try Varint.read(bytes, at: &offset, end: end)
                switch field {
                case 2: header.timeoutMicroseconds = value
                case 4:
                    guard value <= UInt64(UInt8.max) else { throw FrameError(.badHeader, "status code out of range") }
                    header.status = StatusCode(rawValue: UInt8(value))
                case 6:
                    guard let last = UInt32(exactly: value) else { throw FrameError(.badHeader, "stream id too large") }
                    header.lastStreamID = last
                default: break  // unknown field: skipped
                }
            case 2:
                let length = try Varint.read(bytes, at: &offset, end: end)
                guard length <= UInt64(end - offset) else { throw FrameError(.badHeader, "field runs past the header") }
                let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
                offset += Int(length)
                switch field {
                case 1: header.method = try string(value)
                case 3: header.metadata.add(contentsOf: try metadataEntry(value))
                case 5: header.message = try string(value)
                default: break  // unknown field: skipped
                }
            default:
                throw FrameError(.badHeader, "unsupported header wire type \(tag & 7)")
            }
        }
    }

    private static func string(_ bytes: UnsafeRawBufferPointer) throws(FrameError) -> String {
        guard let value = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw FrameError(.badHeader, "header string is not valid UTF-8")
        }
        return value
    }

    private static func metadataEntry(_ bytes: UnsafeRawBufferPointer) throws -> Metadata.Entry {
        var key: String?
        var value: String?
        var offset = 0
        while offset < bytes.count {
            let tag = try Varint.read(bytes, at: &offset, end: bytes.count)
            guard tag & 7 == 2 else { throw FrameError(.badHeader, "metadata entry field must be bytes") }
            let length = try Varint.read(bytes, at: &offset, end: bytes.count)
            guard length <= UInt64(bytes.count - offset) else { throw FrameError(.badHeader, "metadata truncated") }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
            offset += Int(length)
            switch tag >> 3 {
            case 1: key = try string(slice)
            case 2: value = try string(slice)
            default: break
            }
        }
        guard let key, let value else { throw FrameError(.badHeader, "metadata entry lacks a key or value") }
        guard Metadata.isValidKey(key) else { throw FrameError(.badHeader, "invalid metadata key") }
        return Metadata.Entry(key: key, value: value)
    }
}

extension Metadata {
    mutating func add(contentsOf entry: Entry) { add(entry.key, entry.value) }
}
