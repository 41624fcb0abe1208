import Foundation

/// The `Decoder` handed to `init(from:)`: a handle on one value region of the shared state.
struct BinaryValueDecoder: Decoder {
    let state: BinaryDecodingState
    let region: BinaryValueRegion
    let depth: Int

    var codingPath: [any CodingKey] { Array(state.path.prefix(depth)) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        try state.present(region, KeyedDecodingContainer<Key>.self)
        return KeyedDecodingContainer(try BinaryKeyedDecodingContainer<Key>(state: state, region: region, depth: depth))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try state.present(region, [Any].self)
        return try BinaryUnkeyedDecodingContainer(state: state, region: region, depth: depth)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecodingContainer(state: state, region: region, depth: depth)
    }
}

/// One entry of a keyed container: its key and the region of its value.
struct BinaryKeyedEntry {
    enum EntryKey: Equatable {
        case int(Int)
        case string(start: Int, count: Int)
    }
    var key: EntryKey
    var value: BinaryValueRegion
}

/// Reads `key, marked value` entries. The entries are scanned (and validated) once when the container is
/// created; duplicate keys are rejected.
struct BinaryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: BinaryDecodingState
    let depth: Int
    /// This container's entries live in `state.entryPool[entryStart..<entryStart + entryCount]` (one shared,
    /// append-only array per decoding run instead of an allocation per container).
    private let entryStart: Int
    private let entryCount: Int
    /// For large containers (dictionaries), an index from key to entry position.
    private let stringIndex: [String: Int]?
    private let intIndex: [Int: Int]?

    var codingPath: [any CodingKey] { Array(state.path.prefix(depth)) }

    init(state: BinaryDecodingState, region: BinaryValueRegion, depth: Int) throws(BinaryCodingError) {
        self.state = state
        self.depth = depth
        let entryStart = state.entryPool.count
        var offset = region.start
        let buffer = state.buffer
        while offset < region.end {
            let header = try Varint.read(buffer, at: &offset, end: region.end)
            let key: BinaryKeyedEntry.EntryKey
            if header & 1 == 1 {
                let length = header >> 1
                guard length <= UInt64(region.end - offset) else {
                    throw state.codingPathError(.truncated, "key of \(length) bytes runs past its container")
                }
                key = .string(start: offset, count: Int(length))
                offset += Int(length)
            } else if header == 0 {
                let z = try Varint.read(buffer, at: &offset, end: region.end)
                key = .int(Int(truncatingIfNeeded: Varint.unzigzag(z)))
            } else {
                key = .int(Int(truncatingIfNeeded: Varint.unzigzag((header >> 1) - 1)))
            }
            let value = try state.readMarkedValue(at: &offset, end: region.end)
            state.entryPool.append(BinaryKeyedEntry(key: key, value: value))
        }
        let entryCount = state.entryPool.count - entryStart
        self.entryStart = entryStart
        self.entryCount = entryCount
        let entries = state.entryPool[entryStart...]
        if entryCount > 16 {
            var strings: [String: Int] = [:]
            var ints: [Int: Int] = [:]
            for (position, entry) in entries.enumerated() {  // positions are relative to entryStart
                let duplicate: Bool
                switch entry.key {
                case .int(let value): duplicate = ints.updateValue(position, forKey: value) != nil
                case .string(let start, let count):
                    let name = String(decoding: UnsafeRawBufferPointer(rebasing: buffer[start..<start + count]), as: UTF8.self)
                    duplicate = strings.updateValue(position, forKey: name) != nil
                }
                if duplicate { throw state.codingPathError(.malformed, "duplicate key in keyed container") }
            }
            stringIndex = strings
            intIndex = ints
        } else {
            for i in entries.indices {
                for j in entries.indices where j > i {
                    if Self.sameKey(entries[i].key, entries[j].key, buffer) {
                        throw state.codingPathError(.malformed, "duplicate key in keyed container")
                    }
                }
            }
            stringIndex = nil
            intIndex = nil
        }
    }

    private static func sameKey(
        _ a: BinaryKeyedEntry.EntryKey, _ b: BinaryKeyedEntry.EntryKey, _ buffer: UnsafeRawBufferPointer
    ) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): return x == y
        case let (.string(s1, c1), .string(s2, c2)):
            guard c1 == c2 else { return false }
            guard c1 > 0, let base = buffer.baseAddress else { return true }
            return memcmp(base + s1, base + s2, c1) == 0
        default: return false
        }
    }

    private func find(_ key: Key) -> BinaryValueRegion? {
        // Keys such as a dictionary's may have both forms; the writer used the integer when it had one.
        if let int = key.intValue, let region = find(int: int) { return region }
        return find(name: key.stringValue)
    }

    private func find(int: Int) -> BinaryValueRegion? {
        if let index = intIndex { return index[int].map { state.entryPool[entryStart + $0].value } }
        for position in entryStart..<entryStart + entryCount {
            if case .int(int) = state.entryPool[position].key { return state.entryPool[position].value }
        }
        return nil
    }

    private func find(name: String) -> BinaryValueRegion? {
        if let index = stringIndex { return index[name].map { state.entryPool[entryStart + $0].value } }
        var name = name
        return name.withUTF8 { utf8 -> BinaryValueRegion? in
            let base = state.buffer.baseAddress
            for position in entryStart..<entryStart + entryCount {
                let entry = state.entryPool[position]
                guard case .string(let start, let count) = entry.key, count == utf8.count else { continue }
                if count == 0 { return entry.value }
                if let base, let other = utf8.baseAddress, memcmp(base + start, other, count) == 0 { return entry.value }
            }
            return nil
        }
    }

    private func require(_ key: Key) throws -> BinaryValueRegion {
        guard let region = find(key) else {
            throw DecodingError.keyNotFound(
                key, DecodingError.Context(codingPath: codingPath, debugDescription: "key not found"))
        }
        return region
    }

    var allKeys: [Key] {
        state.entryPool[entryStart..<entryStart + entryCount].compactMap { entry in
            switch entry.key {
            case .int(let value): return Key(intValue: value)
            case .string(let start, let count):
                let raw = UnsafeRawBufferPointer(rebasing: state.buffer[start..<start + count]).bindMemory(to: UInt8.self)
                guard UTF8Validation.isValid(raw) else { return nil }
                return Key(stringValue: String(decoding: raw, as: UTF8.self))
            }
        }
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { try require(key).isNil }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try state.readBool(require(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try state.readString(require(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        Double(bitPattern: try state.readFixed(UInt64.self, require(key)))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        Float(bitPattern: try state.readFixed(UInt32.self, require(key)))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try state.readInteger(type, require(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try state.readInteger(type, require(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try state.readInteger(type, require(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try state.readInteger(type, require(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try state.readInteger(type, require(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try state.readInteger(type, require(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try state.readInteger(type, require(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try state.readInteger(type, require(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try state.readInteger(type, require(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try state.readInteger(type, require(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try state.decode(type, from: require(key), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let region = try require(key)
        try state.present(region, NestedKey.self)
        return KeyedDecodingContainer(
            try BinaryKeyedDecodingContainer<NestedKey>(state: state, region: region, depth: depth))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let region = try require(key)
        try state.present(region, [Any].self)
        return try BinaryUnkeyedDecodingContainer(state: state, region: region, depth: depth)
    }

    func superDecoder() throws -> any Decoder {
        BinaryValueDecoder(state: state, region: find(name: "super") ?? .nilValue, depth: depth)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        BinaryValueDecoder(state: state, region: find(key) ?? .nilValue, depth: depth)
    }
}
