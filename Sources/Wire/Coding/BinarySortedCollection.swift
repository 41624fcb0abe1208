/// Unordered collections (dictionaries and sets) encode their entries sorted so that equal values always
/// produce equal bytes.
///
/// The layout is exactly what the collection's own `init(from:)` expects. Dictionaries: a keyed container for
/// `String`, `Int` and `CodingKeyRepresentable` keys, an unkeyed container of alternating keys and values
/// otherwise. Sets: an unkeyed container of their elements, sorted by encoded bytes.
protocol BinarySortedCollection {
    func encodeSorted(to encoder: BinaryValueEncoder) throws
}

/// A coding key built from a dictionary key.
struct BinaryDictionaryKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
    init(_ key: any CodingKey) {
        self.stringValue = key.stringValue
        self.intValue = key.intValue
    }
}

extension Dictionary: BinarySortedCollection where Key: Encodable, Value: Encodable {
    func encodeSorted(to encoder: BinaryValueEncoder) throws {
        if Key.self == String.self {
            var container = encoder.container(keyedBy: BinaryDictionaryKey.self)
            let entries = self.map { (key: unsafeBitCast($0.key, to: String.self), value: $0.value) }
            for entry in entries.sorted(by: { $0.key < $1.key }) {
                try container.encode(entry.value, forKey: BinaryDictionaryKey(stringValue: entry.key))
            }
        } else if Key.self == Int.self {
            var container = encoder.container(keyedBy: BinaryDictionaryKey.self)
            let entries = self.map { (key: unsafeBitCast($0.key, to: Int.self), value: $0.value) }
            for entry in entries.sorted(by: { $0.key < $1.key }) {
                try container.encode(entry.value, forKey: BinaryDictionaryKey(intValue: entry.key))
            }
        } else if Key.self is any CodingKeyRepresentable.Type {
            var container = encoder.container(keyedBy: BinaryDictionaryKey.self)
            let entries = self.compactMap { entry -> (BinaryDictionaryKey, Value)? in
                guard let key = entry.key as? any CodingKeyRepresentable else { return nil }
                return (BinaryDictionaryKey(key.codingKey), entry.value)
            }
            for (key, value) in entries.sorted(by: { Self.precedes($0.0, $1.0) }) {
                try container.encode(value, forKey: key)
            }
        } else {
            // Other keys: sort the pairs by the bytes of their encoded key.
            let keyEncoder = BinaryEncoder(maximumDepth: encoder.state.maximumDepth)
            var pairs: [(key: [UInt8], value: Value)] = []
            pairs.reserveCapacity(count)
            for entry in self { pairs.append((try keyEncoder.encode(entry.key), entry.value)) }
            pairs.sort { $0.key.lexicographicallyPrecedes($1.key) }
            var container = encoder.unkeyedContainer()
            for pair in pairs {
                try encoder.appendEncodedElement(pair.key)
                try container.encode(pair.value)
            }
        }
    }

    private static func precedes(_ a: BinaryDictionaryKey, _ b: BinaryDictionaryKey) -> Bool {
        switch (a.intValue, b.intValue) {
        case let (x?, y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.stringValue < b.stringValue
        }
    }
}

extension Set: BinarySortedCollection where Element: Encodable {
    func encodeSorted(to encoder: BinaryValueEncoder) throws {
        let elementEncoder = BinaryEncoder(maximumDepth: encoder.state.maximumDepth)
        var elements: [[UInt8]] = []
        elements.reserveCapacity(count)
        for element in self { elements.append(try elementEncoder.encode(element)) }
        elements.sort { $0.lexicographicallyPrecedes($1) }
        for element in elements { try encoder.appendEncodedElement(element) }
    }
}

extension BinaryValueEncoder {
    /// Appends an already-encoded top-level value (a marked value) as the next element of this value's
    /// unkeyed container.
    func appendEncodedElement(_ marked: [UInt8]) throws {
        guard state.makeInnermost(valueID) else {
            throw state.deferredError ?? BinaryCodingError(.invalidValue, "container already completed")
        }
        state.bytes.append(contentsOf: marked)
    }
}
