import Foundation

/// A region of the input holding one value: `start..<end`, or nil.
struct BinaryValueRegion {
    var start: Int
    var end: Int
    var isNil: Bool

    static let nilValue = BinaryValueRegion(start: 0, end: 0, isNil: true)
}

/// The input and bookkeeping of one decoding run.
///
/// The input is copied once into memory owned by this object, so any decoder or container that
/// outlives the `init(from:)` call that received it still points at valid memory.
final class BinaryDecodingState {
    let storage: UnsafeMutableRawBufferPointer
    let maximumDepth: Int
    /// The keys of the values being decoded, innermost last; its count is the current depth.
    /// (Only the decoding run that owns this object touches it, so exclusivity checks are skipped.)
    @exclusivity(unchecked) var path: [any CodingKey] = []
    /// The entries of every keyed container scanned so far (see `BinaryKeyedDecodingContainer`).
    @exclusivity(unchecked) var entryPool: [BinaryKeyedEntry] = []

    var count: Int { storage.count }
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(storage) }

    init(copying bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
        storage.copyMemory(from: bytes)
        self.storage = storage
        self.maximumDepth = maximumDepth
        path.reserveCapacity(16)
        entryPool.reserveCapacity(64)
    }

    deinit { storage.deallocate() }

    // MARK: Reading structure

    /// Reads a marked value at `offset`, checking its length against `end`.
    @inline(__always)
    func readMarkedValue(at offset: inout Int, end: Int) throws(BinaryCodingError) -> BinaryValueRegion {
        let marker = try Varint.read(buffer, at: &offset, end: end)
        if marker == 0 { return .nilValue }
        let length = marker - 1
        guard length <= UInt64(end - offset) else {
            throw BinaryCodingError(.truncated, "value of \(length) bytes runs past the end of its container")
        }
        let start = offset
        offset += Int(length)
        return BinaryValueRegion(start: start, end: offset, isNil: false)
    }

    // MARK: Primitives

    func codingPathError(_ kind: BinaryCodingError.Kind, _ message: String) -> BinaryCodingError {
        BinaryCodingError(kind, message, path: BinaryCodingError.render(path))
    }

    @inline(__always)
    func present(_ region: BinaryValueRegion, _ type: Any.Type) throws(BinaryCodingError) {
        if region.isNil { throw codingPathError(.missingValue, "expected \(type) but found nil") }
    }

    func readBool(_ region: BinaryValueRegion) throws(BinaryCodingError) -> Bool {
        try present(region, Bool.self)
        guard region.end - region.start == 1 else { throw codingPathError(.malformed, "Bool must be one byte") }
        switch buffer[region.start] {
        case 0: return false
        case 1: return true
        default: throw codingPathError(.malformed, "Bool byte must be 0 or 1")
        }
    }

    func readUnsigned(_ region: BinaryValueRegion) throws(BinaryCodingError) -> UInt64 {
        try present(region, UInt64.self)
        var offset = region.start
        let value = try Varint.read(buffer, at: &offset, end: region.end)
        guard offset == region.end else { throw codingPathError(.malformed, "bytes follow an integer") }
        return value
    }

    func readSigned(_ region: BinaryValueRegion) throws(BinaryCodingError) -> Int64 {
        Varint.unzigzag(try readUnsigned(region))
    }

    func readInteger<T: FixedWidthInteger>(_ type: T.Type, _ region: BinaryValueRegion) throws(BinaryCodingError) -> T {
        if T.isSigned {
            let value = try readSigned(region)
            guard let exact = T(exactly: value) else {
                throw codingPathError(.typeMismatch, "\(value) does not fit in \(T.self)")
            }
            return exact
        }
        let value = try readUnsigned(region)
        guard let exact = T(exactly: value) else {
            throw codingPathError(.typeMismatch, "\(value) does not fit in \(T.self)")
        }
        return exact
    }

    func readFixed<T: FixedWidthInteger>(_ type: T.Type, _ region: BinaryValueRegion) throws(BinaryCodingError) -> T {
        try present(region, T.self)
        guard region.end - region.start == MemoryLayout<T>.size else {
            throw codingPathError(.malformed, "expected \(MemoryLayout<T>.size) bytes for a fixed-width value")
        }
        return T(littleEndian: buffer.loadUnaligned(fromByteOffset: region.start, as: T.self))
    }

    func readString(_ region: BinaryValueRegion) throws(BinaryCodingError) -> String {
        try present(region, String.self)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[region.start..<region.end]).bindMemory(to: UInt8.self)
        // Long strings (document text): the standard library validates and copies in one vectorised pass.
        if bytes.count > UTF8Validation.shortString {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw codingPathError(.invalidUTF8, "string is not valid UTF-8") }
            return text
        }
        guard UTF8Validation.isValid(bytes) else { throw codingPathError(.invalidUTF8, "string is not valid UTF-8") }
        return String(decoding: bytes, as: UTF8.self)
    }

    func readBytes(_ region: BinaryValueRegion) throws(BinaryCodingError) -> UnsafeRawBufferPointer {
        try present(region, Data.self)
        return UnsafeRawBufferPointer(rebasing: buffer[region.start..<region.end])
    }

    // MARK: Generic values

    /// Decodes a `T` from `region`, with direct paths for primitives and common Foundation types.
    func decode<T: Decodable>(_ type: T.Type, from region: BinaryValueRegion) throws -> T {
        if T.self == String.self { return unsafeBitCast(try readString(region), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try readInteger(Int.self, region), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try readBool(region), to: T.self) }
        if T.self == Double.self {
            return unsafeBitCast(Double(bitPattern: try readFixed(UInt64.self, region)), to: T.self)
        }
        if T.self == Date.self {
            let seconds = Double(bitPattern: try readFixed(UInt64.self, region))
            return unsafeBitCast(Date(timeIntervalSinceReferenceDate: seconds), to: T.self)
        }
        if T.self == Data.self { return unsafeBitCast(Data(try readBytes(region)), to: T.self) }
        if T.self == [UInt8].self { return unsafeBitCast([UInt8](try readBytes(region)), to: T.self) }
        if T.self == UUID.self {
            let raw = try readBytes(region)
            guard raw.count == 16 else { throw codingPathError(.malformed, "UUID must be 16 bytes") }
            let uuid = UUID(uuid: (raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7],
                                   raw[8], raw[9], raw[10], raw[11], raw[12], raw[13], raw[14], raw[15]))
            return unsafeBitCast(uuid, to: T.self)
        }
        guard path.count < maximumDepth else {
            throw codingPathError(.depthLimitExceeded, "nesting exceeds \(maximumDepth) levels")
        }
        return try T(from: BinaryValueDecoder(state: self, region: region, depth: path.count))
    }

    /// Decodes a nested value under `key`, keeping the coding path for error messages.
    @inline(__always)
    func decode<T: Decodable>(_ type: T.Type, from region: BinaryValueRegion, key: any CodingKey) throws -> T {
        path.append(key)
        defer { path.removeLast() }
        return try decode(type, from: region)
    }
}
