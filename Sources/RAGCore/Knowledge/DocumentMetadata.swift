import Foundation
import Wire

/// A document's metadata: the JSON object as given (re-serialised, keys sorted) and its filterable fields.
struct DocumentMetadata: Sendable, Equatable {
    static let maximumBytes = 16_384
    static let maximumFields = 64

    /// The object, serialised with sorted keys (`{}` when there is none).
    let json: String
    /// Top-level field → its values as text: a string, a number (`12`, `0.5`), `true`/`false`, or each
    /// scalar of an array. Nested objects are kept in ``json`` but cannot be filtered on.
    let fields: [String: [String]]

    var category: String? { fields["category"]?.first }

    /// Parses `text`; nil text is an empty object.
    init(_ text: String?) throws(KnowledgeError) {
        guard let text, !text.isEmpty, text != "{}" else {
            json = "{}"
            fields = [:]
            return
        }
        guard text.utf8.count <= Self.maximumBytes else {
            throw .invalidArgument("metadata is larger than \(Self.maximumBytes) bytes")
        }
        guard let object = try? JSONDecoder().decode([String: Value].self, from: Data(text.utf8)) else {
            throw .invalidArgument("metadata must be a JSON object")
        }
        guard object.count <= Self.maximumFields else { throw .invalidArgument("metadata has more than \(Self.maximumFields) fields") }
        var fields: [String: [String]] = [:]
        for (key, value) in object {
            let values: [String]
            if case .array(let items) = value { values = items.compactMap(\.text) } else { values = value.text.map { [$0] } ?? [] }
            if !values.isEmpty { fields[key] = values }
        }
        self.fields = fields
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        json = (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A JSON value, as much of it as metadata needs.
    enum Value: Codable, Equatable {
        case string(String), number(Double), bool(Bool), null
        case array([Value]), object([String: Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let string = try? container.decode(String.self) { self = .string(string) }
            else if let array = try? container.decode([Value].self) { self = .array(array) }
            else { self = .object(try container.decode([String: Value].self)) }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .null: try container.encodeNil()
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }

        /// The text form of a scalar (`12`, `0.5`, `true`); nil for null, arrays and objects.
        var text: String? {
            switch self {
            case .string(let value): return value
            case .bool(let value): return MetadataText.bool(value)
            case .number(let value): return MetadataText.number(value)
            default: return nil
            }
        }
    }
}
