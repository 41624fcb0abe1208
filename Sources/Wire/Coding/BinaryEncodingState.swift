import Foundation

/// The mutable state shared by every container of one encoding run: the output buffer and the stack of
/// values that are still open (whose length marker is not yet final).
///
/// Values are written in place. When a value opens, one placeholder marker byte is reserved; when it
/// closes the marker is patched, shifting the content only if the length needs more than one byte.
/// Writing to a container first closes every value opened above it; writing to a container whose value
/// has already been closed is reported as an error instead of producing corrupt bytes.
final class BinaryEncodingState {
    struct OpenValue {
        var id: Int
        var markerOffset: Int
        var key: (any CodingKey)?
        var isNil: Bool
    }

    // Hot state: accessed only by the encoding run that owns this object, on one thread, never
    // overlapping, so the dynamic exclusivity checks are skipped.
    @exclusivity(unchecked) var bytes: [UInt8]
    @exclusivity(unchecked) var stack: [OpenValue] = []
    @exclusivity(unchecked) var nextID = 0
    var deferredError: BinaryCodingError?
    let maximumDepth: Int

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        stack.reserveCapacity(16)
    }

    // MARK: Open values

    /// Reserves a marker for a new value and makes it the innermost open value.
    func open(key: (any CodingKey)?) throws(BinaryCodingError) -> Int {
        guard stack.count < maximumDepth else {
            throw BinaryCodingError(.depthLimitExceeded, "nesting exceeds \(maximumDepth) levels", path: pathString())
        }
        let id = nextID
        nextID += 1
        stack.append(OpenValue(id: id, markerOffset: bytes.count, key: key, isNil: false))
        bytes.append(0)
        return id
    }

    /// Closes values above `id` so that `id` is the innermost open value.
    /// Returns false (and records an error) when `id` was already closed.
    @inline(__always)
    func makeInnermost(_ id: Int) -> Bool {
        if let last = stack.last, last.id == id { return true }
        while let last = stack.last, last.id > id { closeInnermost() }
        if let last = stack.last, last.id == id { return true }
        if deferredError == nil {
            deferredError = BinaryCodingError(
                .invalidValue, "a container was used after its value had been completed", path: pathString())
        }
        return false
    }

    /// Closes `id` and everything opened after it.
    func close(_ id: Int) {
        while let last = stack.last, last.id >= id { closeInnermost() }
    }

    private func closeInnermost() {
        let value = stack.removeLast()
        let contentStart = value.markerOffset + 1
        let length = bytes.count - contentStart
        if value.isNil && length == 0 {
            bytes[value.markerOffset] = 0
            return
        }
        let marker = UInt64(length) + 1
        let markerLength = Varint.length(marker)
        if markerLength > 1 {
            bytes.insert(contentsOf: repeatElement(0, count: markerLength - 1), at: contentStart)
        }
        Varint.write(marker, to: &bytes, at: value.markerOffset)
    }

    func markNil(_ id: Int) {
        if let index = stack.lastIndex(where: { $0.id == id }) { stack[index].isNil = true }
    }

    // MARK: Coding path

    func codingPath(upTo id: Int) -> [any CodingKey] {
        stack.filter { $0.id <= id }.compactMap(\.key)
    }

    func pathString() -> String { BinaryCodingError.render(stack.compactMap(\.key)) }

    // MARK: Writing primitives

    func writeKey(_ key: some CodingKey) {
        if let int = key.intValue {
            let z = Varint.zigzag(Int64(int))
            if z < (1 << 62) {
                Varint.append((z + 1) << 1, to: &bytes)
            } else {
                bytes.append(0)
                Varint.append(z, to: &bytes)
            }
        } else {
            var name = key.stringValue
            name.withUTF8 { utf8 in
                Varint.append(UInt64(utf8.count) << 1 | 1, to: &bytes)
                bytes.append(contentsOf: utf8)
            }
        }
    }

    @inline(__always) func writeNilMarker() { bytes.append(0) }

    @inline(__always) func writeMarkedVarint(_ value: UInt64) {
        bytes.append(UInt8(Varint.length(value) + 1))  // at most 11: always one marker byte
        Varint.append(value, to: &bytes)
    }

    @inline(__always) func writeMarkedBool(_ value: Bool) {
        bytes.append(2)
        bytes.append(value ? 1 : 0)
    }

    @inline(__always) func writeMarkedFixed<F: FixedWidthInteger>(_ value: F) {
        bytes.append(UInt8(MemoryLayout<F>.size + 1))
        writeRawFixed(value)
    }

    @inline(__always) func writeRawFixed<F: FixedWidthInteger>(_ value: F) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { bytes.append(contentsOf: $0) }
    }

    func writeMarkedBytes(_ raw: UnsafeRawBufferPointer) {
        Varint.append(UInt64(raw.count) + 1, to: &bytes)
        bytes.append(contentsOf: raw)
    }

    func writeMarkedString(_ value: String) {
        var value = value
        value.withUTF8 { writeMarkedBytes(UnsafeRawBufferPointer($0)) }
    }

    func writeRawString(_ value: String) {
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
    }

    // MARK: Generic values

    /// Writes `value` as a marked value, using a direct path for primitives and common Foundation types.
    func encodeMarked<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        if BinaryFastPath.writeMarked(value, state: self) { return }
        let id = try open(key: key)
        try encodeContent(value, into: id)
        close(id)
    }

    /// Writes the content of `value` into the open value `id` (no marker of its own).
    func encodeContent<T: Encodable>(_ value: T, into id: Int) throws {
        if BinaryFastPath.writeRaw(value, state: self) { return }
        let encoder = BinaryValueEncoder(state: self, valueID: id)
        if let dictionary = value as? any BinarySortedCollection {
            try dictionary.encodeSorted(to: encoder)
        } else {
            try value.encode(to: encoder)
        }
    }
}
