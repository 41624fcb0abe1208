import Foundation
import Testing
@testable import HTTPServerCore

struct JSONParserTests {
    func parse(_ text: String) -> JSONValue? { try? JSONParser.parse(Array(text.utf8)) }

    @Test func values_AreParsed() {
        #expect(parse(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}} "#)
            == .object(["a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]), "b": .object(["c": .string("d")])]))
        #expect(parse(#""\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#) == .string("\"\\/\u{8}\u{c}\n\r\té😀"))
        #expect(parse("\"ñandú\"") == .string("ñandú"))
        #expect(parse("[]") == .array([]) && parse("{}") == .object([:]) && parse("0") == .number(0))
        #expect(parse(#"{"a":1,"a":2}"#) == .object(["a": .number(2)]))
    }

    @Test func invalidJSON_IsRefused_WithWhere() {
        for text in ["", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "+1", "1e", "tru", "nul", "\"abc", "\"a\u{1}b\"",
                     "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "[1] 2", "{\"a\" 1}", "{1:2}", "1e999",
                     "// x\n1", "[1,,2]", "'a'", "NaN", "Infinity"] {
            #expect(parse(text) == nil, "\(text.debugDescription)")
        }
        #expect((try? JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) == nil, "invalid UTF-8")
        do {
            _ = try JSONParser.parse(Array("[1, 2, x]".utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 7)
        }
    }

    @Test func nesting_IsBounded() {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(parse(deep) != nil)
        let tooDeep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(parse(tooDeep) == nil)
        // A hundred thousand opening brackets end in an error, not a stack overflow.
        #expect(parse(String(repeating: "[", count: 100_000)) == nil)
    }

    /// Differential fuzzing: random documents (valid, then mutated) must get the same verdict and the same
    /// value as Foundation's parser, and random bytes must never crash it.
    @Test func randomDocuments_AgreeWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        func randomValue(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 4 : 6), using: &generator) {
            case 0: return Int.random(in: -1_000_000...1_000_000, using: &generator)
            case 1: return Double.random(in: -1e6...1e6, using: &generator)
            case 2: return ["", "a", "ñ", "\"q\"", "\\", "\n\t", "😀", "\u{7f}"].randomElement(using: &generator) ?? ""
            case 3: return Bool.random(using: &generator)
            case 4: return (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth + 1) }
            default:
                var object: [String: Any] = [:]
                for index in 0..<Int.random(in: 0...4, using: &generator) { object["k\(index)"] = randomValue(depth + 1) }
                return object
            }
        }
        func normalized(_ value: Any) -> JSONValue? {
            switch value {
            case is NSNull: return .null
            case let number as NSNumber:
                if String(cString: number.objCType) == "c" { return .bool(number.boolValue) }
                return .number(number.doubleValue)
            case let text as String: return .string(text)
            case let items as [Any]: return .array(items.compactMap(normalized))
            case let members as [String: Any]: return .object(members.compactMapValues(normalized))
            default: return nil
            }
        }
        for round in 0..<3_000 {
            var bytes = Array(try JSONSerialization.data(withJSONObject: [randomValue(0)], options: []))
            if round % 2 == 1, !bytes.isEmpty {
                // Mutate: change, drop or insert a byte.
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: position)
                default: bytes.insert(Array("{}[],:\"\\-0.e".utf8).randomElement(using: &generator) ?? 0x20, at: position)
                }
            }
            let ours = try? JSONParser.parse(bytes)
            let theirs = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])).flatMap(normalized)
            if let ours, let theirs {
                #expect(numbersClose(ours, theirs), "\(String(decoding: bytes, as: UTF8.self))")
            } else {
                // Foundation on Linux accepts a trailing comma ("[1,]"); RFC 8259 does not, and neither do we.
                let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
                let foundationLeniency = ours == nil && (text.contains(",]") || text.contains(",}"))
                #expect((ours == nil) == (theirs == nil) || foundationLeniency, "\(text): ours \(ours == nil ? "refused" : "accepted")")
            }
        }
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? JSONParser.parse(bytes)
        }
    }

    /// Equal values, numbers compared with a relative tolerance (the two parsers may round the last digit apart).
    func numbersClose(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
        case (.bool(let x), .number(let y)), (.number(let y), .bool(let x)): return (x ? 1 : 0) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { numbersClose($0, $1) }
        case (.object(let x), .object(let y)): return x.keys == y.keys && x.allSatisfy { key, value in y[key].map { numbersClose(value, $0) } ?? false }
        default: return a == b
        }
    }
}
