import Foundation

/// Direct encodings for primitives and common Foundation types, bypassing `Encodable` dispatch.
///
/// Each check compares metatypes (a pointer comparison) before reinterpreting the value, so the
/// `unsafeBitCast`s below only ever run on a value of exactly that type.
enum BinaryFastPath {
    /// Writes `value` as a marked value if it is a directly encodable type. Returns false otherwise.
    @inline(__always)
    static func writeMarked<T>(_ value: T, state: BinaryEncodingState) -> Bool {
        if T.self == String.self {
            state.writeMarkedString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            state.writeMarkedVarint(Varint.zigzag(Int64(unsafeBitCast(value, to: Int.self))))
        } else if T.self == Bool.self {
            state.writeMarkedBool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Double.self {
            state.writeMarkedFixed(unsafeBitCast(value, to: Double.self).bitPattern)
        } else if T.self == Int64.self {
            state.writeMarkedVarint(Varint.zigzag(unsafeBitCast(value, to: Int64.self)))
        } else if T.self == UInt64.self {
            state.writeMarkedVarint(unsafeBitCast(value, to: UInt64.self))
        } else if T.self == Int32.self {
            state.writeMarkedVarint(Varint.zigzag(Int64(unsafeBitCast(value, to: Int32.self))))
        } else if T.self == UInt32.self {
            state.writeMarkedVarint(UInt64(unsafeBitCast(value, to: UInt32.self)))
        } else if T.self == Date.self {
            state.writeMarkedFixed(unsafeBitCast(value, to: Date.self).timeIntervalSinceReferenceDate.bitPattern)
        } else if T.self == Data.self {
            unsafeBitCast(value, to: Data.self).withUnsafeBytes { state.writeMarkedBytes($0) }
        } else if T.self == [UInt8].self {
            unsafeBitCast(value, to: [UInt8].self).withUnsafeBytes { state.writeMarkedBytes($0) }
        } else if T.self == UUID.self {
            state.bytes.append(17)
            appendUUID(unsafeBitCast(value, to: UUID.self), to: &state.bytes)
        } else {
            return false
        }
        return true
    }

    /// Appends the 16 bytes of a UUID (without the generic tuple access `withUnsafeBytes(of:)` would need).
    static func appendUUID(_ value: UUID, to bytes: inout [UInt8]) {
        let u = value.uuid
        bytes.append(contentsOf: [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])
    }

    /// Writes the raw content of `value` (no marker) if it is a directly encodable type.
    @inline(__always)
    static func writeRaw<T>(_ value: T, state: BinaryEncodingState) -> Bool {
        if T.self == String.self {
            state.writeRawString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            Varint.append(Varint.zigzag(Int64(unsafeBitCast(value, to: Int.self))), to: &state.bytes)
        } else if T.self == Bool.self {
            state.bytes.append(unsafeBitCast(value, to: Bool.self) ? 1 : 0)
        } else if T.self == Double.self {
            state.writeRawFixed(unsafeBitCast(value, to: Double.self).bitPattern)
        } else if T.self == Date.self {
            state.writeRawFixed(unsafeBitCast(value, to: Date.self).timeIntervalSinceReferenceDate.bitPattern)
        } else if T.self == Data.self {
            unsafeBitCast(value, to: Data.self).withUnsafeBytes { state.bytes.append(contentsOf: $0) }
        } else if T.self == [UInt8].self {
            state.bytes.append(contentsOf: unsafeBitCast(value, to: [UInt8].self))
        } else if T.self == UUID.self {
            appendUUID(unsafeBitCast(value, to: UUID.self), to: &state.bytes)
        } else {
            return false
        }
        return true
    }
}
