import HTTPServerCore

/// One attachment of a Chatwoot `message_created` payload (`Attachment#push_event_data`: `file_type`,
/// `data_url`, `content_type`, `extension`, `file_size`, and for audio Chatwoot's own `transcribed_text`).
public struct ChatwootAttachment: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case audio, image
        /// Video, files, locations, contacts, stories…: not processed (the patient is told so).
        case other(String)
    }

    public var id: Int?
    public var kind: Kind
    public var dataURL: String?
    /// The type Chatwoot reports (checked against the bytes, never trusted).
    public var contentType: String?
    public var fileSize: Int?
    /// Chatwoot's own transcript of an audio attachment, when it made one.
    public var transcribedText: String?

    /// The most attachments of one message that are processed (a message carries at most 15 in Chatwoot).
    public static let maximumProcessed = 10

    /// The attachments of the `message_created` payload in `body` (none when it has no `attachments`).
    public static func all(in body: [UInt8]) -> [ChatwootAttachment] {
        guard let root = try? JSONParser.parse(body), let list = root["attachments"]?.arrayValue else { return [] }
        return list.compactMap { item -> ChatwootAttachment? in
            guard let object = item.objectValue else { return nil }
            let type = object["file_type"]?.stringValue?.lowercased() ?? "file"
            let kind: Kind = switch type {
            case "audio": .audio
            case "image": .image
            default: .other(String(type.prefix(32)))
            }
            let transcript = object["transcribed_text"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
            return ChatwootAttachment(id: object["id"]?.integerValue, kind: kind, dataURL: object["data_url"]?.stringValue,
                                      contentType: object["content_type"]?.stringValue, fileSize: object["file_size"]?.integerValue,
                                      transcribedText: transcript.flatMap { $0.isEmpty ? nil : String($0.prefix(4_000)) })
        }
    }
}
