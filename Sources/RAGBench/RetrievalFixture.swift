import Foundation

/// The labelled retrieval set in `Tests/Fixtures/Retrieval`: clinic documents and queries with the ids
/// of the documents that answer them.
struct RetrievalFixture {
    struct Document: Decodable {
        var id: String
        var companyID: String
        var title: String
        var content: String
        var metadata: [String: String]?
        enum CodingKeys: String, CodingKey {
            case id, title, content, metadata
            case companyID = "company_id"
        }
    }

    struct Query: Decodable {
        var id: String
        var companyID: String
        var query: String
        var relevant: [String]
        var kind: String
        enum CodingKeys: String, CodingKey {
            case id, query, relevant, kind
            case companyID = "company_id"
        }
    }

    var documents: [Document]
    var queries: [Query]

    /// The documents and queries of `directory` (`documents.json`, `queries.json`), or the queries of
    /// `queriesFile` instead (a held-out set over the same documents).
    init(directory: String, queriesFile: String? = nil) throws {
        documents = try JSONDecoder().decode([Document].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/documents.json")))
        queries = try JSONDecoder().decode([Query].self, from: Data(contentsOf: URL(fileURLWithPath: queriesFile ?? directory + "/queries.json")))
    }
}
