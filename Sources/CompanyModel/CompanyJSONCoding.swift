import Foundation
import Wire

/// JSON in the companies-file format (the original's snake_case keys, ISO-8601 dates), shared by the file
/// store, the PostgreSQL `settings` column and the admin API.
public enum CompanyJSONCoding {
    /// An encoder for companies: sorted keys, ISO-8601 dates.
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder for companies: ISO-8601 dates.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// Decodes `T` from a JSON object that may lack `company_id` (the companies file keys entries by id).
    public static func decode<T: Decodable>(_ type: T.Type, from object: [String: Any], id: String) throws -> T {
        var object = object
        object[Company.CodingKeys.id.rawValue] = id
        let data = try JSONSerialization.data(withJSONObject: object)
        return try decoder().decode(type, from: data)
    }
}
