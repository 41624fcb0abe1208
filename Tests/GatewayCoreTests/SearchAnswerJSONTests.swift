import Foundation
import HTTPServerCore
import Testing
import Wire
@testable import GatewayCore

struct SearchAnswerJSONTests {
    @Test func theDirectEncoding_IsTheSameJSONAsTheGeneralOne() throws {
        let hits = [
            SearchHit(documentID: "botox", title: "Toxina \"A\"", chunkIndex: 2, heading: "Precios > Frente", content: "Línea 1\nLínea\t2 \\ ü",
                      score: 0.123456789, metadataJSON: #"{"category":"precios","tags":["a","b"],"n":3}"#),
            SearchHit(documentID: "laser", title: "", chunkIndex: 0, heading: "", content: "x", score: 1, metadataJSON: "{}"),
            SearchHit(documentID: "roto", title: "t", chunkIndex: 0, heading: "", content: "y", score: 0, metadataJSON: "{no json"),
        ]
        let answer = SearchDocumentsResponse(results: hits, mode: .hybrid, milliseconds: 0.3456789)
        let direct = SearchAnswerJSON.encode(answer, query: "precio \"botox\"", company: CompanyID("benova")!)
        let general = JSONValue.object([
            "status": .string("success"), "company_id": .string("benova"), "query": .string("precio \"botox\""), "mode": .string("hybrid"),
            "results_count": .number(3), "timing_ms": .number(0.346),
            "results": .array(hits.map { hit in
                .object(["document_id": .string(hit.documentID), "title": .string(hit.title), "chunk_index": .number(Double(hit.chunkIndex)),
                         "heading": .string(hit.heading), "content": .string(hit.content), "score": .number((hit.score * 1e6).rounded() / 1e6),
                         "metadata": DocumentRoutes.metadata(hit.metadataJSON)])
            }),
        ]).serialized()
        #expect(direct == general)
        #expect(try JSONSerialization.jsonObject(with: Data(direct)) is [String: Any])
    }
}
