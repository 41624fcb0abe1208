import Foundation
@testable import Wire

/// A deterministic pseudo-random generator (SplitMix64) so failures reproduce from the seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rectangle(width: Int, height: Int)
    case label(String, Int8)
    case empty
    indirect case group([Shape])
}

enum Mood: String, Codable, Equatable { case calm, busy, angry }
enum Level: Int, Codable, Equatable { case low = 1, high = 9 }

struct Point: Codable, Hashable { var x: Int16; var y: Int16 }

struct IntKeyed: Codable, Equatable {
    var alpha: UInt32
    var beta: String?
    enum CodingKeys: Int, CodingKey { case alpha = 1, beta = -7 }
}

class Animal: Codable, Equatable {
    var name: String
    init(name: String) { self.name = name }
    static func == (a: Animal, b: Animal) -> Bool { a.isEqual(to: b) }
    func isEqual(to other: Animal) -> Bool { type(of: other) == type(of: self) && name == other.name }
}

final class Dog: Animal {
    var tricks: [String]
    init(name: String, tricks: [String]) {
        self.tricks = tricks
        super.init(name: name)
    }
    enum CodingKeys: String, CodingKey { case tricks }
    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tricks = try container.decode([String].self, forKey: .tricks)
        try super.init(from: container.superDecoder())
    }
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tricks, forKey: .tricks)
        try super.encode(to: container.superEncoder())
    }
    override func isEqual(to other: Animal) -> Bool {
        guard let dog = other as? Dog else { return false }
        return name == dog.name && tricks == dog.tricks
    }
}

/// Exercises every standard Codable shape.
struct RichValue: Codable, Equatable {
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var float: Float
    var double: Double
    var bool: Bool
    var string: String
    var data: Data
    var bytes: [UInt8]
    var date: Date
    var uuid: UUID
    var url: URL
    var decimal: Decimal
    var optionalInt: Int?
    var optionalString: String?
    var doubleOptional: Int??
    var array: [Int]
    var optionalArray: [String?]
    var nestedArrays: [[Double]]
    var dictionary: [String: Int]
    var intDictionary: [Int: String]
    var pointDictionary: [Point: Bool]
    var set: Set<Int>
    var shapes: [Shape]
    var mood: Mood
    var level: Level?
    var intKeyed: IntKeyed
    var dog: Dog
    var point: Point?

    static func == (a: RichValue, b: RichValue) -> Bool {
        // Compare floats by bit pattern so NaN and -0 must round-trip exactly.
        a.int == b.int && a.int8 == b.int8 && a.int16 == b.int16 && a.int32 == b.int32 && a.int64 == b.int64
            && a.uint == b.uint && a.uint8 == b.uint8 && a.uint16 == b.uint16 && a.uint32 == b.uint32
            && a.uint64 == b.uint64 && a.float.bitPattern == b.float.bitPattern
            && a.double.bitPattern == b.double.bitPattern && a.bool == b.bool && a.string == b.string
            && a.data == b.data && a.bytes == b.bytes && a.date == b.date && a.uuid == b.uuid && a.url == b.url
            && a.decimal == b.decimal && a.optionalInt == b.optionalInt && a.optionalString == b.optionalString
            && a.doubleOptional == b.doubleOptional && a.array == b.array && a.optionalArray == b.optionalArray
            && a.nestedArrays.map { $0.map(\.bitPattern) } == b.nestedArrays.map { $0.map(\.bitPattern) }
            && a.dictionary == b.dictionary && a.intDictionary == b.intDictionary
            && a.pointDictionary == b.pointDictionary && a.set == b.set && a.shapes == b.shapes
            && a.mood == b.mood && a.level == b.level && a.intKeyed == b.intKeyed && a.dog == b.dog
            && a.point == b.point
    }
}

extension RichValue {
    static func random(using g: inout SeededGenerator) -> RichValue {
        func pick<T: FixedWidthInteger>(_ type: T.Type) -> T {
            switch Int.random(in: 0..<4, using: &g) {
            case 0: return T.min
            case 1: return T.max
            case 2: return 0
            default: return T.random(in: T.min...T.max, using: &g)
            }
        }
        func string() -> String {
            let alphabet = Array("aé字🙂 \u{0}\n\"xyz0123456789ñÑ")
            let count = Int.random(in: 0..<(Bool.random(using: &g) ? 8 : 300), using: &g)
            return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &g)] })
        }
        func shape(_ depth: Int) -> Shape {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 5), using: &g) {
            case 0: return .circle(radius: Double.random(in: -1e6...1e6, using: &g))
            case 1: return .rectangle(width: pick(Int.self), height: pick(Int.self))
            case 2: return .label(string(), pick(Int8.self))
            case 3: return .empty
            default: return .group((0..<Int.random(in: 0..<4, using: &g)).map { _ in shape(depth + 1) })
            }
        }
        let specialDoubles: [Double] = [.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .pi]
        let doubleOptional: Int??
        switch Int.random(in: 0..<3, using: &g) {
        case 0: doubleOptional = .none
        default: doubleOptional = .some(pick(Int.self))
        }
        var dictionary: [String: Int] = [:]
        for _ in 0..<Int.random(in: 0..<(Bool.random(using: &g) ? 5 : 40), using: &g) { dictionary[string()] = pick(Int.self) }
        var intDictionary: [Int: String] = [:]
        for _ in 0..<Int.random(in: 0..<30, using: &g) { intDictionary[pick(Int.self)] = string() }
        var pointDictionary: [Point: Bool] = [:]
        for _ in 0..<Int.random(in: 0..<6, using: &g) {
            pointDictionary[Point(x: pick(Int16.self), y: pick(Int16.self))] = Bool.random(using: &g)
        }
        return RichValue(
            int: pick(Int.self), int8: pick(Int8.self), int16: pick(Int16.self), int32: pick(Int32.self),
            int64: pick(Int64.self), uint: pick(UInt.self), uint8: pick(UInt8.self), uint16: pick(UInt16.self),
            uint32: pick(UInt32.self), uint64: pick(UInt64.self),
            float: Bool.random(using: &g) ? Float.nan : Float.random(in: -1000...1000, using: &g),
            double: specialDoubles[Int.random(in: 0..<specialDoubles.count, using: &g)],
            bool: Bool.random(using: &g), string: string(),
            data: Data((0..<Int.random(in: 0..<200, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }),
            bytes: (0..<Int.random(in: 0..<50, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) },
            date: Date(timeIntervalSinceReferenceDate: Double(pick(Int32.self))),
            uuid: UUID(uuid: (UInt8.random(in: 0...255, using: &g), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                              UInt8.random(in: 0...255, using: &g))),
            url: URL(string: "https://example.com/\(Int.random(in: 0..<1000, using: &g))?q=ü") ?? URL(fileURLWithPath: "/"),
            decimal: Decimal(pick(Int32.self)) / Decimal(1000),
            optionalInt: Bool.random(using: &g) ? nil : pick(Int.self),
            optionalString: Bool.random(using: &g) ? nil : string(),
            doubleOptional: doubleOptional,
            array: (0..<Int.random(in: 0..<100, using: &g)).map { _ in pick(Int.self) },
            optionalArray: (0..<Int.random(in: 0..<10, using: &g)).map { _ in Bool.random(using: &g) ? nil : string() },
            nestedArrays: (0..<Int.random(in: 0..<5, using: &g)).map { _ in
                (0..<Int.random(in: 0..<5, using: &g)).map { _ in specialDoubles[Int.random(in: 0..<6, using: &g)] }
            },
            dictionary: dictionary, intDictionary: intDictionary, pointDictionary: pointDictionary,
            set: Set((0..<Int.random(in: 0..<20, using: &g)).map { _ in pick(Int.self) }),
            shapes: (0..<Int.random(in: 0..<6, using: &g)).map { _ in shape(0) },
            mood: [Mood.calm, .busy, .angry][Int.random(in: 0..<3, using: &g)],
            level: [Level.low, .high, nil][Int.random(in: 0..<3, using: &g)],
            intKeyed: IntKeyed(alpha: pick(UInt32.self), beta: Bool.random(using: &g) ? nil : string()),
            dog: Dog(name: string(), tricks: (0..<Int.random(in: 0..<4, using: &g)).map { _ in string() }),
            point: Bool.random(using: &g) ? nil : Point(x: pick(Int16.self), y: pick(Int16.self)))
    }
}
