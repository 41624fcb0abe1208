/// Reads a sequence of marked values. The element count is established by one validating scan when the
/// container is created (it is never read from the input).
struct BinaryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let state: BinaryDecodingState
    let depth: Int
    private let end: Int
    private var offset: Int
    private(set) var currentIndex = 0
    let count: Int?

    var codingPath: [any CodingKey] { Array(state.path.prefix(depth)) }
    var isAtEnd: Bool { offset >= end }

    init(state: BinaryDecodingState, region: BinaryValueRegion, depth: Int) throws(BinaryCodingError) {
        self.state = state
        self.depth = depth
        self.end = region.end
        self.offset = region.start
        var scan = region.start
        var elements = 0
        while scan < region.end {
            _ = try state.readMarkedValue(at: &scan, end: region.end)
            elements += 1
        }
        self.count = elements
    }

    private mutating func next() throws -> BinaryValueRegion {
        guard offset < end else {
            throw DecodingError.valueNotFound(
                Any.self, DecodingError.Context(codingPath: codingPath, debugDescription: "unkeyed container is at end"))
        }
        let region = try state.readMarkedValue(at: &offset, end: end)
        currentIndex += 1
        return region
    }

    mutating func decodeNil() throws -> Bool {
        guard offset < end else { return false }
        var peek = offset
        let region = try state.readMarkedValue(at: &peek, end: end)
        guard region.isNil else { return false }
        offset = peek
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try state.readBool(next()) }
    mutating func decode(_ type: String.Type) throws -> String { try state.readString(next()) }
    mutating func decode(_ type: Double.Type) throws -> Double {
        Double(bitPattern: try state.readFixed(UInt64.self, next()))
    }
    mutating func decode(_ type: Float.Type) throws -> Float {
        Float(bitPattern: try state.readFixed(UInt32.self, next()))
    }
    mutating func decode(_ type: Int.Type) throws -> Int { try state.readInteger(type, next()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try state.readInteger(type, next()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try state.readInteger(type, next()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try state.readInteger(type, next()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try state.readInteger(type, next()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try state.readInteger(type, next()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try state.readInteger(type, next()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try state.readInteger(type, next()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try state.readInteger(type, next()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try state.readInteger(type, next()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let index = currentIndex
        let region = try next()
        return try state.decode(type, from: region, key: BinaryIndexKey(index))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let region = try next()
        try state.present(region, NestedKey.self)
        return KeyedDecodingContainer(
            try BinaryKeyedDecodingContainer<NestedKey>(state: state, region: region, depth: depth))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let region = try next()
        try state.present(region, [Any].self)
        return try BinaryUnkeyedDecodingContainer(state: state, region: region, depth: depth)
    }

    mutating func superDecoder() throws -> any Decoder {
        BinaryValueDecoder(state: state, region: try next(), depth: depth)
    }
}

/// Reads one primitive from a value region, or hands the region to a nested `init(from:)`.
struct BinarySingleValueDecodingContainer: SingleValueDecodingContainer {
    let state: BinaryDecodingState
    let region: BinaryValueRegion
    let depth: Int

    var codingPath: [any CodingKey] { Array(state.path.prefix(depth)) }

    func decodeNil() -> Bool { region.isNil }
    func decode(_ type: Bool.Type) throws -> Bool { try state.readBool(region) }
    func decode(_ type: String.Type) throws -> String { try state.readString(region) }
    func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try state.readFixed(UInt64.self, region)) }
    func decode(_ type: Float.Type) throws -> Float { Float(bitPattern: try state.readFixed(UInt32.self, region)) }
    func decode(_ type: Int.Type) throws -> Int { try state.readInteger(type, region) }
    func decode(_ type: Int8.Type) throws -> Int8 { try state.readInteger(type, region) }
    func decode(_ type: Int16.Type) throws -> Int16 { try state.readInteger(type, region) }
    func decode(_ type: Int32.Type) throws -> Int32 { try state.readInteger(type, region) }
    func decode(_ type: Int64.Type) throws -> Int64 { try state.readInteger(type, region) }
    func decode(_ type: UInt.Type) throws -> UInt { try state.readInteger(type, region) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try state.readInteger(type, region) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try state.readInteger(type, region) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try state.readInteger(type, region) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try state.readInteger(type, region) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try state.decode(type, from: region) }
}
