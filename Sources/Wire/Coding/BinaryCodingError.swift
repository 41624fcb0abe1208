/// The error thrown by ``BinaryEncoder`` and ``BinaryDecoder``.
///
/// Codable implementations throw `EncodingError`/`DecodingError` internally; at the module boundary
/// every failure is reported as this one type, with a machine-readable ``Kind`` and the coding path.
public struct BinaryCodingError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        /// The input ended before a length, varint or value was complete.
        case truncated
        /// A length, marker, key or primitive is malformed (overlong varint, bad Bool, duplicate key...).
        case malformed
        /// A string's bytes are not valid UTF-8.
        case invalidUTF8
        /// Bytes remain after the top-level value.
        case trailingBytes
        /// Containers are nested deeper than the configured limit.
        case depthLimitExceeded
        /// A required key or value is absent, or a value is nil where one is required.
        case missingValue
        /// A value does not fit the requested type (integer overflow, unknown enum case...).
        case typeMismatch
        /// The value could not be encoded.
        case invalidValue
    }

    /// The category of the failure.
    public var kind: Kind
    /// A human-readable explanation.
    public var message: String
    /// The coding path at which the failure happened, as dotted key names.
    public var path: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, path: String = "") {
        self.kind = kind
        self.message = message
        self.path = path
    }

    public var description: String {
        path.isEmpty ? "\(kind.rawValue): \(message)" : "\(kind.rawValue) at \(path): \(message)"
    }
}

extension BinaryCodingError {
    static func render(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Maps any error thrown while coding to a `BinaryCodingError`.
    static func wrap(_ error: any Error) -> BinaryCodingError {
        if let own = error as? BinaryCodingError { return own }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .typeMismatch(_, let context):
                return BinaryCodingError(.typeMismatch, context.debugDescription, path: render(context.codingPath))
            case .valueNotFound(_, let context):
                return BinaryCodingError(.missingValue, context.debugDescription, path: render(context.codingPath))
            case .keyNotFound(let key, let context):
                return BinaryCodingError(
                    .missingValue, "key '\(key.stringValue)' not found", path: render(context.codingPath))
            case .dataCorrupted(let context):
                if let cause = context.underlyingError as? BinaryCodingError { return cause }
                return BinaryCodingError(.typeMismatch, context.debugDescription, path: render(context.codingPath))
            @unknown default:
                return BinaryCodingError(.malformed, "\(decoding)")
            }
        }
        if let encoding = error as? EncodingError {
            switch encoding {
            case .invalidValue(_, let context):
                return BinaryCodingError(.invalidValue, context.debugDescription, path: render(context.codingPath))
            @unknown default:
                return BinaryCodingError(.invalidValue, "\(encoding)")
            }
        }
        return BinaryCodingError(.invalidValue, "\(error)")
    }
}
