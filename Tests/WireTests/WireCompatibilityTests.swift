import Foundation
import Testing
@testable import Wire

// An older and a newer version of the same message, as two builds would declare them: the newer one adds
// an optional field and an enum case, and drops a field the older one had. Once with string keys (what
// every Wire message uses today) and once with integer keys (field numbers).

private enum Channel1: String, TolerantEnum { case whatsapp, web, unknown; static var unknownCase: Channel1 { .unknown } }
private enum Channel2: String, TolerantEnum { case whatsapp, web, instagram, unknown; static var unknownCase: Channel2 { .unknown } }

private struct MessageV1: Codable, Equatable {
    var id: Int
    var text: String
    var channel: Channel1
    /// Removed in version 2.
    var legacyFlag: Bool?
}

private struct MessageV2: Codable, Equatable {
    var id: Int
    var text: String
    var channel: Channel2
    /// Added in version 2.
    var language: String?
}

private struct NumberedV1: Codable, Equatable {
    var id: Int
    var text: String
    var channel: Channel1
    var legacyFlag: Bool?
    enum CodingKeys: Int, CodingKey { case id = 1, text = 2, channel = 3, legacyFlag = 4 }
}

private struct NumberedV2: Codable, Equatable {
    var id: Int
    var text: String
    var channel: Channel2
    var language: String?
    // Field 4 is retired, never reused.
    enum CodingKeys: Int, CodingKey { case id = 1, text = 2, channel = 3, language = 5 }
}

@Suite struct WireCompatibilityTests {
    let encoder = BinaryEncoder()
    let decoder = BinaryDecoder()

    @Test func olderAndNewerMessages_DecodeEachOther_WithStringKeys() throws {
        let old = MessageV1(id: 1, text: "hola", channel: .web, legacyFlag: true)
        let readByNew = try decoder.decode(MessageV2.self, from: encoder.encode(old))
        #expect(readByNew == MessageV2(id: 1, text: "hola", channel: .web, language: nil))

        let new = MessageV2(id: 2, text: "hi", channel: .instagram, language: "en")
        let readByOld = try decoder.decode(MessageV1.self, from: encoder.encode(new))
        // The added field is skipped, the removed one reads as absent, the new case as unknown.
        #expect(readByOld == MessageV1(id: 2, text: "hi", channel: .unknown, legacyFlag: nil))
        // A case both know survives both ways.
        let known = MessageV2(id: 3, text: "x", channel: .whatsapp, language: nil)
        #expect(try decoder.decode(MessageV1.self, from: encoder.encode(known)).channel == .whatsapp)
    }

    @Test func olderAndNewerMessages_DecodeEachOther_WithIntegerKeys() throws {
        let old = NumberedV1(id: 1, text: "hola", channel: .whatsapp, legacyFlag: false)
        let oldBytes = try encoder.encode(old)
        #expect(try decoder.decode(NumberedV2.self, from: oldBytes) == NumberedV2(id: 1, text: "hola", channel: .whatsapp, language: nil))
        let new = NumberedV2(id: 2, text: "hi", channel: .instagram, language: "en")
        #expect(try decoder.decode(NumberedV1.self, from: encoder.encode(new))
                == NumberedV1(id: 2, text: "hi", channel: .unknown, legacyFlag: nil))
        // Integer keys are smaller than names: the field numbers are what travels.
        #expect(oldBytes.count < (try encoder.encode(MessageV1(id: 1, text: "hola", channel: .whatsapp, legacyFlag: false))).count)
    }

    @Test func realMessages_AnOlderServersHealth_AndANewerStatus() throws {
        // An older server sent no process id; a newer one may report a status this build does not know.
        struct OlderHealth: Codable {
            var status: String
            var service: String
            var version: String
            var uptimeSeconds: Double
            var components: [String: ComponentHealth]
        }
        let older = OlderHealth(status: "serving", service: "rag", version: "0.1", uptimeSeconds: 3, components: [:])
        let read = try decoder.decode(HealthCheckResponse.self, from: encoder.encode(older))
        #expect(read.status == .serving && read.processID == nil)
        let newer = OlderHealth(status: "warming_up", service: "rag", version: "9.9", uptimeSeconds: 1, components: [:])
        #expect(try decoder.decode(HealthCheckResponse.self, from: encoder.encode(newer)).status == .unknown)
    }
}
