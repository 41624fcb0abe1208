import Foundation

/// Encodes `Encodable` values into the project's compact, schema-evolvable binary format.
///
/// ## Format (version 1)
/// - A *marked value* is a varint marker then bytes: marker `0` is nil, marker `n > 0` is `n - 1` bytes.
/// - Primitives are raw inside their value: `Bool` one byte (0 or 1); signed integers ZigZag varints;
///   unsigned integers varints; `Float`/`Double` little-endian IEEE bit patterns; `String` UTF-8;
///   `Data` and `[UInt8]` raw bytes; `UUID` 16 bytes.
/// - A keyed container is a sequence of entries `key, marked value`. A key is a varint `h`: odd `h` is a
///   string key of `h >> 1` UTF-8 bytes that follow; even non-zero `h` is the integer key
///   `unzigzag((h >> 1) - 1)`; `h == 0` is followed by the integer key as a full ZigZag varint.
///   Keys are integers when the `CodingKey` has an `intValue`, strings otherwise.
/// - An unkeyed container is a sequence of marked values (no count: the value's length bounds it).
/// - The top-level value is one marked value; nothing may follow it.
///
/// Absent optional fields are simply not written, so a newer type reads older bytes (absent → nil) and
/// an older type skips keys it does not know. Output is deterministic: fields are written in the order
/// the type encodes them and dictionaries are written sorted by key.
public struct BinaryEncoder: Sendable {
    /// The deepest nesting of containers the encoder accepts (protects against cyclic object graphs).
    public var maximumDepth: Int

    /// Creates an encoder.
    /// - Parameter maximumDepth: the container nesting limit, 100 by default.
    public init(maximumDepth: Int = 100) {
        self.maximumDepth = maximumDepth
    }

    /// Encodes `value` into a new byte array.
    public func encode<T: Encodable>(_ value: T) throws(BinaryCodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Encodes `value` into `Data`.
    public func encodeData<T: Encodable>(_ value: T) throws(BinaryCodingError) -> Data {
        Data(try encode(value))
    }

    /// Encodes `value` and appends the result to `bytes`. On failure `bytes` is left unchanged.
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws(BinaryCodingError) {
        let state = BinaryEncodingState(bytes: bytes, maximumDepth: maximumDepth)
        bytes = []  // hand the storage to the state so appends do not copy
        let originalCount = state.bytes.count
        do {
            try state.encodeMarked(value, key: nil)
            if let error = state.deferredError { throw error }
            bytes = state.bytes
        } catch {
            state.bytes.removeSubrange(originalCount...)
            bytes = state.bytes
            throw BinaryCodingError.wrap(error)
        }
    }
}
