import CryptoPrimitives
import Foundation
import Glibc

/// `Tests/Tools/fake_chatwoot.py` as a separate process the tests can SIGKILL: Chatwoot's Application API
/// with a token per account, every call appended to a JSON-lines file before it is answered, faults on
/// demand, and the bot's own replies echoed back to our webhook as Chatwoot does.
final class FakeChatwootProcess: @unchecked Sendable {
    /// One recorded API call.
    struct Call {
        var account: String
        var conversation: Int
        var action: String
        var token: String
        var body: [String: Any]
        var content: String { body["content"] as? String ?? "" }
        var isPrivate: Bool { body["private"] as? Bool ?? false }
        /// The patient message a reply answers (`content_attributes.in_reply_to`).
        var inReplyTo: Int? { (body["content_attributes"] as? [String: Any])?["in_reply_to"] as? Int }
        var isReply: Bool { action == "messages" && !isPrivate }
    }

    let port = GatewayFixture.randomPort()
    let callsPath: String
    private let arguments: [String]
    private(set) var process: Process?

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - tokens: the API access token of each account.
    ///   - webhookURL: where the bot's own messages are echoed (nil: not echoed).
    ///   - webhookSecrets: the secret each account's echoes are signed with.
    init(directory: String, tokens: [String: String], webhookURL: String? = nil, webhookSecrets: [String: String] = [:]) {
        callsPath = directory + "/chatwoot-calls.jsonl"
        var arguments = [ExecutableLocator.packageRoot.appendingPathComponent("Tests/Tools/fake_chatwoot.py").path, "--port", String(port),
                         "--calls", callsPath]
        for (account, token) in tokens { arguments += ["--token", "\(account)=\(token)"] }
        if let webhookURL { arguments += ["--webhook-url", webhookURL] }
        for (account, secret) in webhookSecrets { arguments += ["--webhook-secret", "\(account)=\(secret)"] }
        self.arguments = arguments
    }

    /// Starts (or restarts) the server; returns once it answers.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let up = await waitUntil(timeout: .seconds(10)) { self.get("/__calls")?.status == 200 }
        guard up else { throw ExecutableLocator.LocatorError(message: "the fake Chatwoot did not start on port \(port)") }
    }

    /// SIGKILL: whatever request it was serving gets no answer.
    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() { kill() }

    /// Makes the next `count` calls for `account` fail: `429`, `500`, `hang` (no answer) or `drop` (connection closed).
    func fault(account: String, mode: String, count: Int) {
        guard let connection = RawHTTPConnection(port: port) else { return }
        let body = #"{"account":"\#(account)","mode":"\#(mode)","count":\#(count)}"#
        connection.send("POST /__faults HTTP/1.1\r\nHost: f\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        _ = connection.readResponse()
    }

    /// Every call recorded so far (across restarts: the file is appended to).
    func calls() -> [Call] {
        guard let text = try? String(contentsOfFile: callsPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { return nil }
            return Call(account: object["account"] as? String ?? "", conversation: object["conversation"] as? Int ?? 0,
                        action: object["action"] as? String ?? "", token: object["token"] as? String ?? "",
                        body: object["body"] as? [String: Any] ?? [:])
        }
    }

    /// Stores a file as an attachment Chatwoot serves; its `data_url` (an ActiveStorage redirect).
    func storeFile(_ bytes: [UInt8], name: String, type: String) -> String? {
        guard let connection = RawHTTPConnection(port: port, receiveTimeout: 5) else { return nil }
        let head = "POST /__files HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nX-File-Name: \(name)\r\nContent-Type: \(type)\r\n"
            + "Content-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
        guard connection.send(Array(head.utf8) + bytes) else { return nil }
        return connection.readResponse()?.json?["data_url"] as? String
    }

    func calls(account: String, conversation: Int) -> [Call] {
        calls().filter { $0.account == account && $0.conversation == conversation }
    }

    private func get(_ path: String) -> RawHTTPResponse? {
        guard let connection = RawHTTPConnection(port: port, receiveTimeout: 1) else { return nil }
        connection.send("GET \(path) HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n")
        return connection.readResponse()
    }
}

/// Chatwoot's webhook payloads in their real shapes (`../shared/notes/chatwoot-and-openai-wire.md` §A.4–A.6),
/// and their signatures (§A.3).
enum ChatwootPayloads {
    static func json(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    static func conversation(_ id: Int, account: Int, contact: Int, status: String) -> [String: Any] {
        let sender: [String: Any] = ["additional_attributes": [:], "custom_attributes": [:], "email": NSNull(), "id": contact, "identifier": NSNull(),
                                     "name": "Paciente \(contact)", "phone_number": "+57300\(contact)", "thumbnail": "", "blocked": false, "type": "contact"]
        return ["additional_attributes": [:], "can_reply": true, "channel": "Channel::Whatsapp",
                "contact_inbox": ["id": contact, "contact_id": contact, "inbox_id": 1, "source_id": "src-\(contact)", "hmac_verified": false,
                                  "pubsub_token": "pubsub-secret-\(contact)"],
                "id": id, "inbox_id": 1, "messages": [], "labels": [],
                "meta": ["sender": sender, "assignee": NSNull(), "assignee_type": NSNull(), "team": NSNull(), "hmac_verified": false],
                "status": status, "custom_attributes": [:], "snoozed_until": NSNull(), "unread_count": 1, "priority": NSNull(),
                "timestamp": 1_763_177_714, "created_at": 1_763_177_714, "updated_at": 1_763_177_714.183048,
                "account": ["id": account, "name": "Clínica"]]
    }

    /// A patient's incoming message.
    static func incoming(_ content: String?, id: Int, conversation: Int, account: Int, contact: Int, status: String = "open",
                         attachments: [[String: Any]] = []) -> String {
        var object = incomingObject(content, id: id, conversation: conversation, account: account, contact: contact, status: status)
        // Chatwoot leaves the key out when there are none.
        if !attachments.isEmpty { object["attachments"] = attachments }
        return json(object)
    }

    /// An attachment object as `Attachment#push_event_data` writes it.
    static func attachment(_ id: Int, message: Int, account: Int, fileType: String, dataURL: String, contentType: String, size: Int) -> [String: Any] {
        ["id": id, "message_id": message, "file_type": fileType, "account_id": account, "extension": NSNull(), "content_type": contentType,
         "data_url": dataURL, "thumb_url": fileType == "image" ? dataURL : "", "file_size": size]
    }

    static func incomingObject(_ content: String?, id: Int, conversation: Int, account: Int, contact: Int, status: String) -> [String: Any] {
        ["account": ["id": account, "name": "Clínica"], "additional_attributes": [:], "content_attributes": ["in_reply_to": NSNull()],
              "content_type": "text", "content": content ?? NSNull(), "conversation": Self.conversation(conversation, account: account, contact: contact, status: status),
              "created_at": "2026-12-03T10:00:00.000Z", "id": id, "inbox": ["id": 1, "name": "WhatsApp"], "message_type": "incoming", "private": false,
              "sender": ["account": ["id": account, "name": "Clínica"], "additional_attributes": [:], "avatar": "", "custom_attributes": [:],
                         "email": "paciente\(contact)@example.com", "id": contact, "identifier": NSNull(), "name": "Paciente \(contact)",
                         "phone_number": "+57300\(contact)", "thumbnail": "", "blocked": false],
              "source_id": "wamid.\(id)", "event": "message_created"]
    }

    /// An outgoing message; `senderType` `user` (a human agent) or `agent_bot`; `isPrivate` for a note.
    static func outgoing(_ content: String, id: Int, conversation: Int, account: Int, contact: Int, senderType: String = "user",
                         isPrivate: Bool = false) -> String {
        json(["account": ["id": account, "name": "Clínica"], "content": content, "content_type": "text", "content_attributes": [:],
              "conversation": Self.conversation(conversation, account: account, contact: contact, status: "open"),
              "created_at": "2026-12-03T10:00:00.000Z", "id": id, "inbox": ["id": 1, "name": "WhatsApp"], "message_type": "outgoing",
              "private": isPrivate, "sender": ["id": 3, "name": "Laura", "email": "laura@clinic.example", "type": senderType],
              "source_id": NSNull(), "event": "message_created"])
    }

    /// `conversation_status_changed` (with `changed_attributes: null`, as captured).
    static func statusChanged(_ status: String, conversation: Int, account: Int, contact: Int) -> String {
        var object = Self.conversation(conversation, account: account, contact: contact, status: status)
        object["event"] = "conversation_status_changed"
        object["changed_attributes"] = NSNull()
        return json(object)
    }

    /// The signature headers for `body`, signed at `timestamp` (now by default).
    static func signed(_ body: String, secret: String, timestamp: Int = Int(Date().timeIntervalSince1970)) -> [String: String] {
        let stamp = String(timestamp)
        let mac = Digest.hmacSHA256(key: Array(secret.utf8), message: Array((stamp + ".").utf8) + Array(body.utf8))
        return ["X-Chatwoot-Timestamp": stamp, "X-Chatwoot-Signature": "sha256=" + Digest.hex(mac), "Content-Type": "application/json",
                "X-Chatwoot-Delivery": UUID().uuidString]
    }
}
