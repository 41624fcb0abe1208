import Testing
@testable import HTTPServerCore

@Suite struct JSONBodyTests {
    struct Payload: Decodable {
        var name: String
        var count: Int
        var nested: Nested?
        struct Nested: Decodable { var flag: Bool }
    }

    private func request(_ body: String, contentType: String? = "application/json") -> HTTPRequest {
        var headers = HTTPHeaders()
        if let contentType { headers["Content-Type"] = contentType }
        return HTTPRequest(method: "POST", target: "/x", headers: headers, body: Array(body.utf8))
    }

    private func failure(_ request: HTTPRequest) -> HTTPError? {
        do {
            _ = try JSONBody.decode(Payload.self, from: request)
            return nil
        } catch {
            return error
        }
    }

    @Test func decodesValidBodies() throws {
        let value = try JSONBody.decode(Payload.self, from: request(#"{"name":"a","count":2,"nested":{"flag":true}}"#,
                                                                    contentType: "application/json; charset=utf-8"))
        #expect(value.name == "a" && value.count == 2 && value.nested?.flag == true)
        #expect(JSONBody.isJSON(request("{}", contentType: "application/merge-patch+json")))
    }

    @Test func wrongContentType_MalformedJSON_AndBadFields_GetTheirStatus() {
        #expect(failure(request("{}", contentType: "text/plain"))?.status == 415)
        #expect(failure(request("{}", contentType: nil))?.code == "unsupported_media_type")
        #expect(failure(request(#"{"name": "a", "#))?.code == "invalid_json")
        #expect(failure(request("not json"))?.status == 400)
        let missing = failure(request(#"{"name":"a"}"#))
        #expect(missing?.status == 422 && missing?.code == "validation_failed")
        #expect(missing?.details["fields"]?["count"] == .string("is required"))
        let wrongType = failure(request(#"{"name":"a","count":"two"}"#))
        #expect(wrongType?.details["fields"]?["count"] == .string("must be an integer"))
        let nested = failure(request(#"{"name":"a","count":1,"nested":{"flag":"yes"}}"#))
        #expect(nested?.details["fields"]?["nested.flag"] == .string("must be a boolean"))
        let null = failure(request(#"{"name":null,"count":1}"#))
        #expect(null?.status == 422)
    }
}
