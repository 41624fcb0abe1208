import Foundation
import Testing
@testable import Wire

/// Version 1 of a message, as an older build knows it.
private struct ProfileV1: Codable, Equatable {
    var id: String
    var age: Int
    var kind: Kind
    enum Kind: String, Codable { case person, company }
}

/// Version 2 of the same message: added optional fields, a nested type and a new enum case.
private struct ProfileV2: Codable, Equatable {
    var id: String
    var age: Int
    var kind: Kind
    var email: String?
    var tags: [String]?
    var address: Address?
    enum Kind: String, Codable { case person, company, robot }
    struct Address: Codable, Equatable { var city: String; var zip: String? }
}

@Suite struct BinaryCoderEvolutionTests {
    let encoder = BinaryEncoder()
    let decoder = BinaryDecoder()

    @Test func newerReader_ReadsOlderBytes_WithAbsentFieldsAsNil() throws {
        let old = ProfileV1(id: "a1", age: 40, kind: .company)
        let read = try decoder.decode(ProfileV2.self, from: encoder.encode(old))
        #expect(read == ProfileV2(id: "a1", age: 40, kind: .company, email: nil, tags: nil, address: nil))
    }

    @Test func olderReader_SkipsUnknownFields() throws {
        let new = ProfileV2(
            id: "b2", age: 7, kind: .person, email: "x@y.z", tags: ["a", "b"],
            address: Address(city: "Madrid", zip: "28001"))
        let read = try decoder.decode(ProfileV1.self, from: encoder.encode(new))
        #expect(read == ProfileV1(id: "b2", age: 7, kind: .person))
    }

    @Test func unknownEnumCase_IsADecodingError() throws {
        let new = ProfileV2(id: "c3", age: 1, kind: .robot, email: nil, tags: nil, address: nil)
        let bytes = try encoder.encode(new)
        #expect(throws: BinaryCodingError.self) { try decoder.decode(ProfileV1.self, from: bytes) }
        do {
            _ = try decoder.decode(ProfileV1.self, from: bytes)
        } catch {
            #expect(error.kind == .typeMismatch)
            #expect(error.path == "kind")
        }
    }

    @Test func missingRequiredField_IsADecodingError() throws {
        struct OnlyID: Codable { var id: String }
        let bytes = try encoder.encode(OnlyID(id: "z"))
        #expect(throws: BinaryCodingError.self) { try decoder.decode(ProfileV1.self, from: bytes) }
    }
}

private typealias Address = ProfileV2.Address
