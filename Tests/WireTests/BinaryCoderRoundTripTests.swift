import Foundation
import Testing
@testable import Wire

@Suite struct BinaryCoderRoundTripTests {
    let encoder = BinaryEncoder()
    let decoder = BinaryDecoder()

    @Test func randomRichValues_RoundTrip_AndEncodeDeterministically() throws {
        var generator = SeededGenerator(seed: 0xC0FFEE)
        for iteration in 0..<3_000 {
            let value = RichValue.random(using: &generator)
            let bytes = try encoder.encode(value)
            let decoded = try decoder.decode(RichValue.self, from: bytes)
            #expect(decoded == value, "iteration \(iteration)")
            // Same value → same bytes, also for a decoded copy whose dictionaries hash differently.
            #expect(try encoder.encode(decoded) == bytes, "iteration \(iteration)")
        }
    }

    @Test func primitivesAtTopLevel_RoundTrip() throws {
        #expect(try decoder.decode(Int.self, from: encoder.encode(-5)) == -5)
        #expect(try decoder.decode(String.self, from: encoder.encode("")) == "")
        #expect(try decoder.decode(Int?.self, from: encoder.encode(Int?.none)) == nil)
        #expect(try decoder.decode(Int?.self, from: encoder.encode(Int?.some(3))) == 3)
        #expect(try decoder.decode([Int?].self, from: encoder.encode([1, nil, 3])) == [1, nil, 3])
        #expect(try decoder.decode(Bool.self, from: encoder.encode(true)) == true)
        #expect(try decoder.decode(UInt64.self, from: encoder.encode(UInt64.max)) == UInt64.max)
        #expect(try decoder.decode(Int64.self, from: encoder.encode(Int64.min)) == Int64.min)
        let extremeKeys: [Int: Int] = [Int.min: 1, Int.max: 2, 0: 3, -1: 4]
        #expect(try decoder.decode([Int: Int].self, from: encoder.encode(extremeKeys)) == extremeKeys)
    }

    @Test func encoding_IsCompact() throws {
        struct Small: Codable { var id: Int; var ok: Bool }
        // marker(1) + key(3) + marker(1) + varint(1) + key(3) + marker(1) + bool(1)
        #expect(try encoder.encode(Small(id: 1, ok: true)).count == 11)
    }

    @Test func interleavedContainerUse_IsAnErrorNotCorruption() throws {
        struct Interleaved: Encodable {
            enum K: String, CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var root = encoder.container(keyedBy: K.self)
                var first = root.nestedUnkeyedContainer(forKey: .a)
                var second = root.nestedUnkeyedContainer(forKey: .b)
                try second.encode(2)
                try first.encode(1)  // `first` was completed when `second` opened
            }
        }
        #expect(throws: BinaryCodingError.self) { try encoder.encode(Interleaved()) }
    }

    @Test func sameEncoderContainerTwice_AppendsToTheSameValue() throws {
        struct Split: Codable, Equatable {
            var a: Int
            var b: String
            enum K: String, CodingKey { case a, b }
            init(a: Int, b: String) { self.a = a; self.b = b }
            init(from decoder: any Decoder) throws {
                a = try decoder.container(keyedBy: K.self).decode(Int.self, forKey: .a)
                b = try decoder.container(keyedBy: K.self).decode(String.self, forKey: .b)
            }
            func encode(to encoder: any Encoder) throws {
                var first = encoder.container(keyedBy: K.self)
                try first.encode(a, forKey: .a)
                var again = encoder.container(keyedBy: K.self)
                try again.encode(b, forKey: .b)
            }
        }
        let value = Split(a: 7, b: "x")
        #expect(try decoder.decode(Split.self, from: encoder.encode(value)) == value)
    }

    @Test func largeValues_UseMultiByteMarkers() throws {
        let text = String(repeating: "ab", count: 100_000)
        let nested = [[text], [text, text]]
        #expect(try decoder.decode([[String]].self, from: encoder.encode(nested)) == nested)
    }
}
