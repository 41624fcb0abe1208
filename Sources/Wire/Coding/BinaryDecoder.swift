import Foundation

/// Decodes values written by ``BinaryEncoder``.
///
/// Decoding is hardened against hostile input: every length is checked against the bytes that remain
/// before anything is read or allocated, nesting is limited, strings must be valid UTF-8, duplicate keys
/// and trailing bytes are rejected, and no allocation is sized by a count taken from the input.
public struct BinaryDecoder: Sendable {
    /// The deepest nesting of containers accepted before decoding fails.
    public var maximumDepth: Int

    /// Creates a decoder.
    /// - Parameter maximumDepth: the container nesting limit, 100 by default.
    public init(maximumDepth: Int = 100) {
        self.maximumDepth = maximumDepth
    }

    /// Decodes a `T` from `bytes`, which must hold exactly one top-level value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(BinaryCodingError) -> T {
        try bytes.withUnsafeBytes { raw in Result { () throws(BinaryCodingError) -> T in try decode(type, from: raw) } }.get()
    }

    /// Decodes a `T` from `bytes`, which must hold exactly one top-level value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: Data) throws(BinaryCodingError) -> T {
        try bytes.withUnsafeBytes { raw in Result { () throws(BinaryCodingError) -> T in try decode(type, from: raw) } }.get()
    }

    /// Decodes a `T` from `bytes`, which must hold exactly one top-level value.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: ArraySlice<UInt8>) throws(BinaryCodingError) -> T {
        try bytes.withUnsafeBytes { raw in Result { () throws(BinaryCodingError) -> T in try decode(type, from: raw) } }.get()
    }

    /// Decodes a `T` from `bytes`, which must hold exactly one top-level value. The bytes are copied, so
    /// the buffer only needs to stay valid during the call.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws(BinaryCodingError) -> T {
        let state = BinaryDecodingState(copying: bytes, maximumDepth: maximumDepth)
        do {
            var offset = 0
            let value = try state.readMarkedValue(at: &offset, end: state.count)
            guard offset == state.count else {
                throw BinaryCodingError(.trailingBytes, "\(state.count - offset) bytes follow the top-level value")
            }
            return try state.decode(T.self, from: value)
        } catch {
            throw BinaryCodingError.wrap(error)
        }
    }
}
