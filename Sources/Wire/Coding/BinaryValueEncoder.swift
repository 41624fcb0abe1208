/// The `Encoder` handed to `encode(to:)`: a lightweight handle on one open value of the shared state.
struct BinaryValueEncoder: Encoder {
    let state: BinaryEncodingState
    let valueID: Int

    var codingPath: [any CodingKey] { state.codingPath(upTo: valueID) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(BinaryKeyedEncodingContainer<Key>(state: state, valueID: valueID))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        BinaryUnkeyedEncodingContainer(state: state, valueID: valueID)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncodingContainer(state: state, valueID: valueID)
    }
}

/// Writes `key, marked value` entries into one open value.
struct BinaryKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: BinaryEncodingState
    let valueID: Int

    var codingPath: [any CodingKey] { state.codingPath(upTo: valueID) }

    @inline(__always)
    private func begin(_ key: Key) throws -> Bool {
        guard state.makeInnermost(valueID) else {
            if let error = state.deferredError { throw error }
            return false
        }
        state.writeKey(key)
        return true
    }

    mutating func encodeNil(forKey key: Key) throws {
        if try begin(key) { state.writeNilMarker() }
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedBool(value) }
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedString(value) }
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedFixed(value.bitPattern) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedFixed(value.bitPattern) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(Varint.zigzag(value)) }
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(UInt64(value)) }
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(UInt64(value)) }
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(UInt64(value)) }
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(UInt64(value)) }
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        if try begin(key) { state.writeMarkedVarint(value) }
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if try begin(key) { try state.encodeMarked(value, key: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(state: state, valueID: openChild(key)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        BinaryUnkeyedEncodingContainer(state: state, valueID: openChild(key))
    }

    mutating func superEncoder() -> any Encoder {
        BinaryValueEncoder(state: state, valueID: openChild(BinaryDictionaryKey(stringValue: "super")))
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        BinaryValueEncoder(state: state, valueID: openChild(key))
    }

    /// Opens a child value under `key`. Failures are recorded in the state and surface when encoding ends.
    private func openChild(_ key: some CodingKey) -> Int {
        guard state.makeInnermost(valueID) else { return -1 }
        state.writeKey(key)
        do {
            return try state.open(key: key)
        } catch {
            if state.deferredError == nil { state.deferredError = error }
            return -1
        }
    }
}

/// Writes a sequence of marked values into one open value.
struct BinaryUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let state: BinaryEncodingState
    let valueID: Int
    private(set) var count = 0

    init(state: BinaryEncodingState, valueID: Int) {
        self.state = state
        self.valueID = valueID
    }

    var codingPath: [any CodingKey] { state.codingPath(upTo: valueID) }

    @inline(__always)
    private mutating func begin() throws -> Bool {
        guard state.makeInnermost(valueID) else {
            if let error = state.deferredError { throw error }
            return false
        }
        count += 1
        return true
    }

    mutating func encodeNil() throws { if try begin() { state.writeNilMarker() } }
    mutating func encode(_ value: Bool) throws { if try begin() { state.writeMarkedBool(value) } }
    mutating func encode(_ value: String) throws { if try begin() { state.writeMarkedString(value) } }
    mutating func encode(_ value: Double) throws { if try begin() { state.writeMarkedFixed(value.bitPattern) } }
    mutating func encode(_ value: Float) throws { if try begin() { state.writeMarkedFixed(value.bitPattern) } }
    mutating func encode(_ value: Int) throws {
        if try begin() { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int8) throws {
        if try begin() { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int16) throws {
        if try begin() { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int32) throws {
        if try begin() { state.writeMarkedVarint(Varint.zigzag(Int64(value))) }
    }
    mutating func encode(_ value: Int64) throws { if try begin() { state.writeMarkedVarint(Varint.zigzag(value)) } }
    mutating func encode(_ value: UInt) throws { if try begin() { state.writeMarkedVarint(UInt64(value)) } }
    mutating func encode(_ value: UInt8) throws { if try begin() { state.writeMarkedVarint(UInt64(value)) } }
    mutating func encode(_ value: UInt16) throws { if try begin() { state.writeMarkedVarint(UInt64(value)) } }
    mutating func encode(_ value: UInt32) throws { if try begin() { state.writeMarkedVarint(UInt64(value)) } }
    mutating func encode(_ value: UInt64) throws { if try begin() { state.writeMarkedVarint(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if try begin() { try state.encodeMarked(value, key: BinaryIndexKey(count - 1)) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(state: state, valueID: openChild()))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        BinaryUnkeyedEncodingContainer(state: state, valueID: openChild())
    }

    mutating func superEncoder() -> any Encoder {
        BinaryValueEncoder(state: state, valueID: openChild())
    }

    private mutating func openChild() -> Int {
        guard state.makeInnermost(valueID) else { return -1 }
        count += 1
        do {
            return try state.open(key: BinaryIndexKey(count - 1))
        } catch {
            if state.deferredError == nil { state.deferredError = error }
            return -1
        }
    }
}

/// Writes one primitive (or one nested value's content) into an open value, without a marker of its own.
struct BinarySingleValueEncodingContainer: SingleValueEncodingContainer {
    let state: BinaryEncodingState
    let valueID: Int

    var codingPath: [any CodingKey] { state.codingPath(upTo: valueID) }

    @inline(__always)
    private func begin() throws -> Bool {
        guard state.makeInnermost(valueID) else {
            if let error = state.deferredError { throw error }
            return false
        }
        return true
    }

    mutating func encodeNil() throws { if try begin() { state.markNil(valueID) } }
    mutating func encode(_ value: Bool) throws { if try begin() { state.bytes.append(value ? 1 : 0) } }
    mutating func encode(_ value: String) throws { if try begin() { state.writeRawString(value) } }
    mutating func encode(_ value: Double) throws { if try begin() { state.writeRawFixed(value.bitPattern) } }
    mutating func encode(_ value: Float) throws { if try begin() { state.writeRawFixed(value.bitPattern) } }
    mutating func encode(_ value: Int) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try encodeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try encodeSigned(value) }
    mutating func encode(_ value: UInt) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try encodeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try encodeUnsigned(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        if try begin() { try state.encodeContent(value, into: valueID) }
    }

    private func encodeSigned(_ value: Int64) throws {
        if try begin() { Varint.append(Varint.zigzag(value), to: &state.bytes) }
    }
    private func encodeUnsigned(_ value: UInt64) throws {
        if try begin() { Varint.append(value, to: &state.bytes) }
    }
}

/// A coding key for positions in unkeyed containers.
struct BinaryIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { intValue.map { "[\($0)]" } ?? "" }
    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}
