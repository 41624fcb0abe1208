import Foundation

/// Strict decoding of JSON request bodies into typed values, with errors in the product's envelope:
/// 415 `unsupported_media_type` for a non-JSON content type, 400 `invalid_json` for malformed JSON, and
/// 422 `validation_failed` with one entry per field for missing fields or wrong types.
public enum JSONBody {
    /// Whether the request declares a JSON body (`application/json` or `application/*+json`).
    public static func isJSON(_ request: HTTPRequest) -> Bool {
        guard let type = request.headers["Content-Type"]?.split(separator: ";").first?.trimmingSpaces().lowercased() else {
            return false
        }
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// Decodes the body as `T`.
    public static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest) throws(HTTPError) -> T {
        guard isJSON(request) else {
            throw HTTPError(status: 415, code: "unsupported_media_type",
                            message: "The request body must be JSON (Content-Type: application/json).")
        }
        let data = Data(request.body)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            // Only a failed decode pays for a second parse, to tell malformed JSON from a wrong shape.
            guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
                throw HTTPError(status: 400, code: "invalid_json", message: "The request body is not valid JSON.")
            }
            throw validationError(error)
        } catch {
            throw HTTPError(status: 400, code: "invalid_json", message: "The request body is not valid JSON.")
        }
    }

    /// Parses the body as a JSON value (any shape), or nil when it is not JSON.
    public static func value(of request: HTTPRequest) -> JSONValue? {
        guard !request.body.isEmpty else { return nil }
        return try? JSONParser.parse(request.body)
    }

    /// The body as a JSON value, with the same errors as ``decode(_:from:)``: 415 for a non-JSON content
    /// type, 400 `invalid_json` for malformed JSON (the message says where).
    public static func parsed(_ request: HTTPRequest) throws(HTTPError) -> JSONValue {
        guard isJSON(request) else {
            throw HTTPError(status: 415, code: "unsupported_media_type",
                            message: "The request body must be JSON (Content-Type: application/json).")
        }
        do throws(JSONParser.Failure) {
            return try JSONParser.parse(request.body)
        } catch {
            throw HTTPError(status: 400, code: "invalid_json", message: "The request body is not valid JSON (\(error.reason) at byte \(error.offset)).")
        }
    }

    /// The 422 answer for a decoding failure, naming the field.
    public static func validationError(_ error: DecodingError) -> HTTPError {
        func field(_ path: [any CodingKey], _ key: (any CodingKey)? = nil) -> String {
            var parts = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            if let key { parts.append(key.stringValue) }
            return parts.isEmpty ? "(body)" : parts.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        let name: String
        let problem: String
        switch error {
        case .keyNotFound(let key, let context):
            name = field(context.codingPath, key)
            problem = "is required"
        case .valueNotFound(let type, let context):
            name = field(context.codingPath)
            problem = "must not be null (expected \(describe(type)))"
        case .typeMismatch(let type, let context):
            name = field(context.codingPath)
            problem = "must be \(describe(type))"
        case .dataCorrupted(let context):
            name = field(context.codingPath)
            problem = context.debugDescription
        @unknown default:
            name = "(body)"
            problem = "is invalid"
        }
        return HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                         details: ["fields": .object([name: .string(problem)])])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type, is UInt.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
