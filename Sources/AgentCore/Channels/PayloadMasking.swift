import HTTPServerCore

/// A Chatwoot payload for operators' eyes: the structure, ids, types, statuses and times stay; names,
/// contact details, tokens and what patients wrote are replaced by `***` (strings) or removed (objects of
/// free-form attributes), at every depth.
enum PayloadMasking {
    /// Keys whose string values are personal data or secrets.
    static let maskedKeys: Set<String> = [
        "name", "available_name", "email", "phone_number", "identifier", "thumbnail", "avatar", "avatar_url", "content",
        "processed_message_content", "pubsub_token", "source_id", "data_url", "thumb_url", "transcribed_text", "fallback_title",
        "browser_language", "referer", "ip", "ip_address", "description", "coordinates_lat", "coordinates_long",
    ]
    /// Keys whose values are free-form (custom attributes, browser details): replaced whole.
    static let droppedKeys: Set<String> = ["custom_attributes", "additional_attributes", "browser", "meta_data", "template_params", "email"]

    static func masked(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                if maskedKeys.contains(key), case .string(let text) = member {
                    result[key] = .string(text.isEmpty ? "" : "***")
                } else if droppedKeys.contains(key), case .object(let inner) = member {
                    result[key] = inner.isEmpty ? member : .string("***")
                } else if maskedKeys.contains(key), case .number = member {
                    result[key] = .string("***")
                } else {
                    result[key] = masked(member)
                }
            }
            return .object(result)
        case .array(let items):
            return .array(items.map(masked))
        default:
            return value
        }
    }

    /// The masked payload as JSON text; a placeholder with the size when the bytes do not parse.
    static func masked(body: [UInt8]) -> String {
        guard let value = try? JSONParser.parse(body) else { return "\"*** (\(body.count) bytes, not JSON)\"" }
        return String(decoding: masked(value).serialized(), as: UTF8.self)
    }
}
