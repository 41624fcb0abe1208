import Foundation
import HTTPServerCore
import Wire

/// The JSON of a search answer, written straight into bytes: the answer is the hot path of the documents
/// API (ten chunks of text per call), so it skips building `JSONValue` dictionaries. The output is what
/// `CompanyJSON.success` would give for the same members (keys in sorted order).
enum SearchAnswerJSON {
    static func encode(_ answer: SearchDocumentsResponse, query: String, company: CompanyID) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(answer.results.reduce(256) { $0 + $1.content.utf8.count + $1.heading.utf8.count + $1.title.utf8.count + 160 })
        // Each document's metadata is parsed (and so validated) once, then written.
        var metadata: [String: [UInt8]] = [:]
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        func key(_ name: String) {
            JSONValue.writeString(name, to: &out)
            out.append(0x3A)
        }
        func number(_ value: Double) { out.append(contentsOf: JSONValue.number(value).serialized()) }
        raw("{")
        key("company_id"); JSONValue.writeString(company.rawValue, to: &out); raw(",")
        key("mode"); JSONValue.writeString(answer.mode.rawValue, to: &out); raw(",")
        if let note = answer.note {
            key("note"); JSONValue.writeString(note, to: &out); raw(",")
        }
        key("query"); JSONValue.writeString(query, to: &out); raw(",")
        key("results"); raw("[")
        for (position, hit) in answer.results.enumerated() {
            if position > 0 { raw(",") }
            raw("{")
            key("chunk_index"); number(Double(hit.chunkIndex)); raw(",")
            key("content"); JSONValue.writeString(hit.content, to: &out); raw(",")
            key("document_id"); JSONValue.writeString(hit.documentID, to: &out); raw(",")
            key("heading"); JSONValue.writeString(hit.heading, to: &out); raw(",")
            key("metadata")
            if let written = metadata[hit.metadataJSON] {
                out.append(contentsOf: written)
            } else {
                let written = DocumentRoutes.metadata(hit.metadataJSON).serialized()
                metadata[hit.metadataJSON] = written
                out.append(contentsOf: written)
            }
            raw(",")
            key("score"); number((hit.score * 1e6).rounded() / 1e6); raw(",")
            key("title"); JSONValue.writeString(hit.title, to: &out)
            raw("}")
        }
        raw("],")
        key("results_count"); number(Double(answer.results.count)); raw(",")
        key("status"); JSONValue.writeString("success", to: &out); raw(",")
        key("timing_ms"); number((answer.milliseconds * 1e3).rounded() / 1e3)
        raw("}")
        return out
    }
}
