import Foundation
import Testing
@testable import Wire

@Suite struct BinaryCoderRejectionTests {
    let encoder = BinaryEncoder()
    let decoder = BinaryDecoder()

    struct Message: Codable, Equatable {
        var name: String
        var values: [Int]
        var child: Child?
        struct Child: Codable, Equatable { var note: String }
    }

    let sample = Message(name: "héllo", values: [1, 2, 300], child: .init(note: "n"))

    @Test func everyTruncation_FailsWithAnError() throws {
        let bytes = try encoder.encode(sample)
        for length in 0..<bytes.count {
            #expect(throws: BinaryCodingError.self) { try decoder.decode(Message.self, from: bytes[0..<length]) }
        }
    }

    @Test func trailingBytes_AreRejected() throws {
        let bytes = try encoder.encode(sample) + [0]
        #expect(throws: BinaryCodingError(.trailingBytes, "1 bytes follow the top-level value")) {
            try decoder.decode(Message.self, from: bytes)
        }
    }

    @Test func lengthPastTheEnd_IsRejectedBeforeAllocating() throws {
        // A top-level marker claiming an exabyte of content.
        var bytes: [UInt8] = []
        Varint.append(1 << 60, to: &bytes)
        bytes += [1, 2, 3]
        #expect(throws: BinaryCodingError.self) { try decoder.decode([UInt8].self, from: bytes) }
        #expect(throws: BinaryCodingError.self) { try decoder.decode(String.self, from: bytes) }
    }

    @Test func hugeDeclaredLengthInsideAContainer_FailsFast() throws {
        // [marker][key "name"][marker = 2^62]... inside a small buffer.
        var inner: [UInt8] = [9]  // string key of length 4
        inner += Array("name".utf8)
        Varint.append(1 << 62, to: &inner)
        var bytes: [UInt8] = []
        Varint.append(UInt64(inner.count) + 1, to: &bytes)
        bytes += inner
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: BinaryCodingError.self) { try decoder.decode(Message.self, from: bytes) }
        }
        #expect(elapsed < .milliseconds(500))
    }

    @Test func depthBomb_IsRejectedQuickly() throws {
        indirect enum Nest: Codable { case leaf, node([Nest]) }
        // 100,000 nested unkeyed containers, built directly as bytes: each level is marker(len+1) + child.
        var bytes: [UInt8] = [1]  // innermost: empty value
        for _ in 0..<100_000 {
            var wrapped: [UInt8] = []
            Varint.append(UInt64(bytes.count) + 1, to: &wrapped)
            bytes = wrapped + bytes
        }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: BinaryCodingError.self) { try decoder.decode([[[[[[[[Int]]]]]]]].self, from: bytes) }
            do {
                _ = try decoder.decode(Nest.self, from: bytes)
                Issue.record("a depth bomb decoded")
            } catch let error as BinaryCodingError {
                #expect(error.kind == .depthLimitExceeded || error.kind == .typeMismatch || error.kind == .missingValue)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(elapsed < .seconds(1))
    }

    @Test func deeplyNestedRecursiveValue_HitsTheDepthLimit() throws {
        indirect enum List: Codable { case end, cons(Int, List) }
        var list = List.end
        for i in 0..<200 { list = .cons(i, list) }
        let bytes = try BinaryEncoder(maximumDepth: 1_000).encode(list)
        do {
            _ = try decoder.decode(List.self, from: bytes)
            Issue.record("decoded past the depth limit")
        } catch {
            #expect(error.kind == .depthLimitExceeded)
        }
        #expect(throws: BinaryCodingError.self) { try encoder.encode(list) }
    }

    @Test func invalidUTF8_IsRejected() throws {
        var bytes = try encoder.encode("abc")
        bytes[bytes.count - 1] = 0xFF
        #expect(throws: BinaryCodingError.self) { try decoder.decode(String.self, from: bytes) }
        bytes[bytes.count - 1] = 0xC3  // truncated two-byte sequence
        #expect(throws: BinaryCodingError.self) { try decoder.decode(String.self, from: bytes) }
        // Long strings take the standard library's validating path: the same rules.
        let long = String(repeating: "señal ", count: 30)
        #expect(try decoder.decode(String.self, from: encoder.encode(long)) == long)
        for bad: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]] {
            var encoded = try encoder.encode(String(repeating: "a", count: 100))
            encoded.replaceSubrange((encoded.count - bad.count)..<encoded.count, with: bad)
            #expect(throws: BinaryCodingError.self, "\(bad)") { try decoder.decode(String.self, from: encoded) }
        }
    }

    @Test func duplicateKeys_AreRejected() throws {
        // {"a": 1, "a": 2}
        let inner: [UInt8] = [3, 0x61, 2, 2, 3, 0x61, 2, 4]
        let bytes = [UInt8(inner.count + 1)] + inner
        #expect(throws: BinaryCodingError.self) { try decoder.decode([String: Int].self, from: bytes) }
    }

    @Test func badPrimitives_AreRejected() throws {
        #expect(throws: BinaryCodingError.self) { try decoder.decode(Bool.self, from: [2, 7]) }
        #expect(throws: BinaryCodingError.self) { try decoder.decode(Int8.self, from: encoder.encode(300)) }
        #expect(throws: BinaryCodingError.self) { try decoder.decode(UInt8.self, from: encoder.encode(UInt(256))) }
        // Overlong varint (11 continuation bytes).
        #expect(throws: BinaryCodingError.self) {
            try decoder.decode(UInt64.self, from: [12] + Array(repeating: 0xFF, count: 10) + [1])
        }
        #expect(throws: BinaryCodingError.self) { try decoder.decode(Double.self, from: [4, 1, 2, 3]) }
        #expect(throws: BinaryCodingError.self) { try decoder.decode(UUID.self, from: [3, 1, 2]) }
        #expect(throws: BinaryCodingError.self) { try decoder.decode(Int.self, from: [0]) }
    }

    /// Garbage either fails with a `BinaryCodingError` (never another error, never a trap) or decodes to a
    /// value that encodes and decodes to itself; both outcomes must occur, or the test proves nothing.
    @Test func randomGarbage_IsRejectedCleanly_OrDecodesToAStableValue() throws {
        var generator = SeededGenerator(seed: 42)
        let valid = try encoder.encode(sample)
        var rejected = 0
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) {
                bytes = (0..<Int.random(in: 0..<64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            do {
                let message = try decoder.decode(Message.self, from: bytes)
                accepted += 1
                let again = try decoder.decode(Message.self, from: encoder.encode(message))
                #expect(again == message)
            } catch {
                rejected += 1  // typed: always a BinaryCodingError
            }
            do {
                let value = try decoder.decode(RichValue.self, from: bytes)
                #expect(try decoder.decode(RichValue.self, from: encoder.encode(value)) == value)
            } catch {
                rejected += 1  // typed: always a BinaryCodingError
            }
        }
        #expect(rejected > 1_000 && accepted > 0, "rejected \(rejected), accepted \(accepted)")
    }
}
