import Foundation
import HTTPServerCore
import Wire

/// The knowledge base of the caller's company (tenant routes; the RAG service checks the tenant again):
/// write one or many documents, list, read, delete, stats and search. Shapes follow the original API,
/// with the product's error envelope.
enum DocumentRoutes {
    /// `POST /api/documents` body (and each item of a bulk write).
    struct DocumentBody: Decodable {
        var id: String?
        var title: String?
        var content: String
        var metadata: JSONValue?

        func input() throws(HTTPError) -> DocumentInput {
            var metadataJSON: String?
            if let metadata {
                guard case .object = metadata else {
                    throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                                    details: ["fields": .object(["metadata": .string("must be an object")])])
                }
                metadataJSON = String(decoding: metadata.serialized(), as: UTF8.self)
            }
            return DocumentInput(id: id, title: title, content: content, metadataJSON: metadataJSON)
        }
    }

    struct BulkBody: Decodable {
        var documents: [DocumentBody]
    }

    /// `POST /api/documents/search`'s body, read from the parsed JSON (the route's hot path avoids a
    /// `Decodable` pass); wrong types are 422 with the field named, as ``JSONBody`` reports them.
    struct SearchBody {
        var query: String
        var k: Int?
        var filter: [String: JSONValue]?
        var minScore: Double?
        var mode: String?

        init(query: String, k: Int? = nil, filter: [String: JSONValue]? = nil, minScore: Double? = nil, mode: String? = nil) {
            self.query = query
            self.k = k
            self.filter = filter
            self.minScore = minScore
            self.mode = mode
        }

        init(_ json: JSONValue) throws(HTTPError) {
            func invalid(_ field: String, _ problem: String) -> HTTPError {
                HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                          details: ["fields": .object([field: .string(problem)])])
            }
            guard case .object(let members) = json else { throw invalid("(body)", "must be an object") }
            guard let query = members["query"], query != .null else { throw invalid("query", "is required") }
            guard case .string(let text) = query else { throw invalid("query", "must be a string") }
            self.query = text
            switch members["k"] {
            case nil, .null?: k = nil
            case .number(let number)?:
                guard number.rounded() == number, abs(number) < 1e9 else { throw invalid("k", "must be an integer") }
                k = Int(number)
            default: throw invalid("k", "must be an integer")
            }
            switch members["filter"] {
            case nil, .null?: filter = nil
            case .object(let fields)?: filter = fields
            default: throw invalid("filter", "must be an object")
            }
            switch members["min_score"] {
            case nil, .null?: minScore = nil
            case .number(let number)?: minScore = number
            default: throw invalid("min_score", "must be a number")
            }
            switch members["mode"] {
            case nil, .null?: mode = nil
            case .string(let name)?: mode = name
            default: throw invalid("mode", "must be a string")
            }
        }
    }

    static func register(on router: inout Router<GatewayRoute>, upstream: UpstreamCaller) {
        @Sendable func company(_ context: GatewayContext) throws(HTTPError) -> CompanyID {
            guard let company = context.company else { throw HTTPError.internalError() }
            return company.id
        }
        @Sendable func documentID(_ context: GatewayContext) throws(HTTPError) -> String {
            guard let id = context.parameters["id"], !id.isEmpty, id.utf8.count <= 128 else {
                throw HTTPError(status: 400, code: "invalid_document_id", message: "The document id is not valid.")
            }
            return id
        }

        router.add("POST", "/api/documents", GatewayRoute(access: .tenant, bodyLimit: 4 << 20, timeout: .seconds(30)) { request, context in
            let id = try company(context)
            let input = try await offEventLoop(bodyBytes: request.body.count) { () throws(HTTPError) -> DocumentInput in
                try JSONBody.decode(DocumentBody.self, from: request).input()
            }
            let answer = try await upstream.call(.rag, RAGAPI.addDocuments, AddDocumentsRequest(companyID: id, documents: [input]),
                                                 context: context)
            guard let result = answer.results.first else { throw HTTPError.internalError() }
            if let code = result.errorCode { throw itemError(code, result.errorMessage ?? "The document was refused.") }
            return accepted(answer.job, [
                "document_id": .string(result.documentID ?? ""), "chunk_count": .number(Double(result.chunkCount)),
                "company_id": .string(id.rawValue), "replaced": .bool(result.replaced),
                "message": .string(result.replaced ? "Document replaced" : "Document added"),
            ])
        })

        router.add("POST", "/api/documents/bulk", GatewayRoute(access: .tenant, bodyLimit: 64 << 20, timeout: .seconds(120)) { request, context in
            let id = try company(context)
            let body = try await offEventLoop(bodyBytes: request.body.count) { () throws(HTTPError) -> BulkBody in
                try JSONBody.decode(BulkBody.self, from: request)
            }
            guard !body.documents.isEmpty, body.documents.count <= RAGAPI.maximumDocumentsPerCall else {
                throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                                details: ["fields": .object(["documents": .string("must hold 1 to \(RAGAPI.maximumDocumentsPerCall) documents")])])
            }
            // Items that are not valid documents are reported in place; the others go to the RAG service.
            var inputs: [DocumentInput] = []
            var positions: [Int] = []
            var results = [JSONValue](repeating: .null, count: body.documents.count)
            var writeJob: EmbeddingJobStatus?
            for (position, document) in body.documents.enumerated() {
                do throws(HTTPError) {
                    inputs.append(try document.input())
                    positions.append(position)
                } catch {
                    results[position] = failure(position, "validation_failed", error.message)
                }
            }
            if !inputs.isEmpty {
                let answer = try await upstream.call(.rag, RAGAPI.addDocuments, AddDocumentsRequest(companyID: id, documents: inputs),
                                                     context: context)
                writeJob = answer.job
                for result in answer.results where result.index < positions.count {
                    let position = positions[result.index]
                    if let code = result.errorCode {
                        results[position] = failure(position, code, result.errorMessage ?? "")
                    } else {
                        results[position] = .object([
                            "index": .number(Double(position)), "status": .string("success"),
                            "document_id": .string(result.documentID ?? ""), "chunk_count": .number(Double(result.chunkCount)),
                            "replaced": .bool(result.replaced),
                        ])
                    }
                }
            }
            let succeeded = results.filter { $0["status"]?.stringValue == "success" }.count
            var answer: [String: JSONValue] = [
                "status": .string(succeeded == results.count ? "success" : (succeeded == 0 ? "error" : "partial")),
                "company_id": .string(id.rawValue), "total": .number(Double(results.count)),
                "succeeded": .number(Double(succeeded)), "failed": .number(Double(results.count - succeeded)), "results": .array(results),
            ]
            var status = succeeded == results.count ? 201 : (succeeded == 0 ? 400 : 207)
            if let job = writeJob {
                // Everything written, vectors to come: 202 (a 207 keeps its status and carries the job too).
                if status == 201 {
                    status = 202
                    answer["status"] = .string("accepted")
                }
                answer["job_id"] = .string(job.id)
                answer["job"] = jobJSON(job)
            }
            if succeeded == 0 {
                answer["error"] = .object(["code": .string("no_document_written"), "message": .string("No document could be written.")])
                answer["message"] = .string("No document could be written.")
            }
            var response = HTTPResponse.json(status, JSONValue.object(answer).serialized())
            if let job = writeJob { response.headers.add("Location", "/api/documents/jobs/" + job.id) }
            return response
        })

        router.add("POST", "/api/documents/upload", GatewayRoute(access: .tenant, bodyLimit: 11 << 20, timeout: .seconds(60)) { request, context in
            let id = try company(context)
            guard let boundary = request.headers["Content-Type"].flatMap(MultipartParser.boundary(fromContentType:)) else {
                throw HTTPError(status: 415, code: "unsupported_media_type",
                                message: "Send the file as multipart/form-data with a 'file' part.")
            }
            let parts = try await offEventLoop(bodyBytes: request.body.count) { () throws(HTTPError) -> [MultipartParser.Part] in
                var parser = MultipartParser(boundary: boundary, maximumPartSize: 10 << 20, maximumParts: 8)
                let parts = try parser.feed(request.body)
                try parser.finish()
                return parts.filter { !$0.name.isEmpty }
            }
            guard let file = parts.first(where: { $0.name == "file" }) ?? parts.first(where: { $0.filename != nil }) else {
                throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                                details: ["fields": .object(["file": .string("is required")])])
            }
            func field(_ name: String) -> String? {
                parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.body, as: UTF8.self) }
                    .flatMap { $0.isEmpty ? nil : $0 }
            }
            let metadata = field("metadata")
            if let metadata {
                guard case .object = (try? JSONDecoder().decode(JSONValue.self, from: Data(metadata.utf8))) else {
                    throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                                    details: ["fields": .object(["metadata": .string("must be a JSON object")])])
                }
            }
            let filename = String((file.filename ?? "upload").split(separator: "/").last ?? "upload").prefix(255)
            let answer = try await upstream.call(.rag, RAGAPI.uploadDocument,
                                                 UploadDocumentRequest(companyID: id, filename: String(filename), data: file.body, id: field("id"),
                                                                       title: field("title"), metadataJSON: metadata),
                                                 context: context)
            if let code = answer.result.errorCode {
                let message = answer.result.errorMessage ?? "The file was refused."
                switch code {
                case "unsupported_media_type": throw HTTPError(status: 415, code: code, message: message)
                case "payload_too_large": throw HTTPError(status: 413, code: code, message: message)
                default: throw itemError(code, message)
                }
            }
            return accepted(answer.job, [
                "document_id": .string(answer.result.documentID ?? ""), "chunk_count": .number(Double(answer.result.chunkCount)),
                "company_id": .string(id.rawValue), "replaced": .bool(answer.result.replaced), "filename": .string(String(filename)),
                "format": answer.format.map { .string($0) } ?? .null, "extracted_characters": .number(Double(answer.extractedCharacters)),
                "message": .string("Document uploaded"),
            ])
        })

        router.add("GET", "/api/documents", GatewayRoute(access: .tenant) { request, context in
            let id = try company(context)
            let page = try integer(request, "page", default: 1, in: 1...1_000_000)
            let size = try integer(request, "page_size", default: 20, in: 1...100)
            let category = request.queryValues("category").first.flatMap { $0.isEmpty ? nil : $0 }
            let answer = try await upstream.call(.rag, RAGAPI.listDocuments,
                                                 ListDocumentsRequest(companyID: id, page: page, pageSize: size, category: category),
                                                 context: context)
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "total_documents": .number(Double(answer.total)),
                "page": .number(Double(page)), "page_size": .number(Double(size)),
                "total_pages": .number(Double((answer.total + size - 1) / size)),
                "documents": .array(answer.documents.map(summary)),
            ])
        })

        router.add("GET", "/api/documents/stats", GatewayRoute(access: .tenant) { _, context in
            let id = try company(context)
            let stats = try await upstream.call(.rag, RAGAPI.documentStats, DocumentStatsRequest(companyID: id), context: context)
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "total_documents": .number(Double(stats.documents)),
                "total_chunks": .number(Double(stats.chunks)), "max_documents": .number(Double(stats.maximumDocuments)),
                "categories": .object(stats.categories.mapValues { .number(Double($0)) }),
                "embedding_provider": .string(stats.embedder), "dimensions": .number(Double(stats.dimensions)),
                "index_bytes": .number(Double(stats.indexBytes)),
            ])
        })

        router.add("GET", "/api/documents/jobs/{id}", GatewayRoute(access: .tenant) { _, context in
            let id = try company(context)
            guard let jobID = context.parameters["id"], !jobID.isEmpty, jobID.utf8.count <= 64 else {
                throw HTTPError(status: 400, code: "invalid_job_id", message: "The job id is not valid.")
            }
            let job = try await upstream.call(.rag, RAGAPI.embeddingJob, EmbeddingJobRequest(companyID: id, jobID: jobID), context: context)
            return CompanyJSON.success(["company_id": .string(id.rawValue), "job": jobJSON(job)])
        })

        router.add("GET", "/api/documents/{id}", GatewayRoute(access: .tenant) { _, context in
            let id = try company(context)
            let detail = try await upstream.call(.rag, RAGAPI.getDocument,
                                                 DocumentReference(companyID: id, documentID: try documentID(context)), context: context)
            var document = summary(detail.summary)
            if case .object(var members) = document {
                members["content"] = .string(detail.content)
                members["chunks"] = .array(detail.chunks.map {
                    .object(["chunk_index": .number(Double($0.index)), "heading": .string($0.heading), "content": .string($0.content)])
                })
                document = .object(members)
            }
            return CompanyJSON.success(["company_id": .string(id.rawValue), "document": document])
        })

        router.add("DELETE", "/api/documents/{id}", GatewayRoute(access: .tenant) { _, context in
            let id = try company(context)
            let answer = try await upstream.call(.rag, RAGAPI.deleteDocument,
                                                 DocumentReference(companyID: id, documentID: try documentID(context)), context: context)
            return CompanyJSON.success([
                "company_id": .string(id.rawValue), "document_id": .string(answer.documentID),
                "chunks_removed": .number(Double(answer.chunksRemoved)), "message": .string("Document deleted"),
            ])
        })

        router.add("POST", "/api/documents/search", GatewayRoute(access: .tenant, bodyLimit: 64 << 10) { request, context in
            let id = try company(context)
            let search = try searchRequest(try SearchBody(JSONBody.parsed(request)), company: id)
            let answer = try await upstream.call(.rag, RAGAPI.searchDocuments, search, context: context)
            return .json(200, SearchAnswerJSON.encode(answer, query: search.query, company: id))
        })
    }

    // MARK: Helpers

    /// A write's answer: 201, or 202 with the embedding job when the vectors are computed in the background.
    static func accepted(_ job: EmbeddingJobStatus?, _ members: [String: JSONValue]) -> HTTPResponse {
        guard let job else { return CompanyJSON.success(members, status: 201) }
        var members = members
        members["job_id"] = .string(job.id)
        members["job"] = jobJSON(job)
        members["message"] = .string("Document stored; keyword search finds it now, vector search as its chunks are embedded")
        members["status"] = .string("accepted")
        var response = HTTPResponse.json(202, JSONValue.object(members).serialized())
        response.headers.add("Location", "/api/documents/jobs/" + job.id)
        return response
    }

    static func jobJSON(_ job: EmbeddingJobStatus) -> JSONValue {
        .object([
            "id": .string(job.id), "state": .string(job.state.rawValue), "document_ids": .array(job.documentIDs.map { .string($0) }),
            "chunks_total": .number(Double(job.chunksTotal)), "chunks_embedded": .number(Double(job.chunksEmbedded)),
            "progress": .number(job.chunksTotal == 0 ? 1 : (Double(job.chunksEmbedded) / Double(job.chunksTotal) * 1e3).rounded() / 1e3),
            "embedding_provider": .string(job.embedder), "created_at": .string(timestamp(job.createdAt)),
            "last_error": job.lastError.map { .string($0) } ?? .null,
        ])
    }

    static func searchRequest(_ body: SearchBody, company: CompanyID) throws(HTTPError) -> SearchDocumentsRequest {
        var fields: [String: JSONValue] = [:]
        let query = body.query.trimmingCharacters(in: .whitespacesAndNewlines)
        if query.isEmpty { fields["query"] = .string("must not be empty") }
        if query.utf8.count > 4_096 { fields["query"] = .string("must be at most 4096 bytes") }
        let k = body.k ?? 5
        if !(1...50).contains(k) { fields["k"] = .string("must be between 1 and 50") }
        let mode = SearchMode(rawValue: body.mode ?? "hybrid")
        if mode == nil { fields["mode"] = .string("must be hybrid, vector or keyword") }
        if let minScore = body.minScore, !minScore.isFinite { fields["min_score"] = .string("must be a number") }
        var filter: [String: [String]] = [:]
        for (field, value) in body.filter ?? [:] {
            let values: [JSONValue]
            if case .array(let items) = value { values = items } else { values = [value] }
            let texts = values.compactMap(scalarText)
            if texts.count != values.count || texts.isEmpty || texts.count > 100 {
                fields["filter.\(field)"] = .string("must be a string, number, boolean or a list of 1 to 100 of them")
            }
            filter[field] = texts
        }
        if filter.count > 16 { fields["filter"] = .string("must have at most 16 fields") }
        guard fields.isEmpty, let mode else {
            throw HTTPError(status: 422, code: "validation_failed", message: "The request body has invalid fields.",
                            details: ["fields": .object(fields)])
        }
        return SearchDocumentsRequest(companyID: company, query: query, k: k, filter: filter, minScore: body.minScore, mode: mode)
    }

    /// The text a filter value matches (the RAG service keeps metadata scalars in the same form).
    static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return MetadataText.bool(flag)
        case .number(let number): return MetadataText.number(number)
        default: return nil
        }
    }

    static func integer(_ request: HTTPRequest, _ name: String, default value: Int, in range: ClosedRange<Int>) throws(HTTPError) -> Int {
        guard let text = request.queryValues(name).first, !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw HTTPError(status: 400, code: "invalid_parameter",
                            message: "'\(name)' must be an integer between \(range.lowerBound) and \(range.upperBound).")
        }
        return number
    }

    static func metadata(_ json: String) -> JSONValue {
        if json == "{}" { return .object([:]) }
        return (try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8))) ?? .object([:])
    }

    static func summary(_ document: DocumentSummary) -> JSONValue {
        .object([
            "id": .string(document.id), "title": .string(document.title), "content": .string(document.contentPreview),
            "metadata": metadata(document.metadataJSON), "created_at": .string(timestamp(document.createdAt)),
            "updated_at": .string(timestamp(document.updatedAt)), "chunk_count": .number(Double(document.chunkCount)),
        ])
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon))
            + "Z"
    }

    /// The HTTP error for a refused document: 409 for the quota, 400 otherwise.
    static func itemError(_ code: String, _ message: String) -> HTTPError {
        code == "quota_exceeded"
            ? HTTPError(status: 409, code: "quota_exceeded", message: message)
            : HTTPError(status: 400, code: "invalid_document", message: message)
    }

    static func failure(_ position: Int, _ code: String, _ message: String) -> JSONValue {
        .object(["index": .number(Double(position)), "status": .string("error"),
                 "error": .object(["code": .string(code == "invalid_argument" ? "invalid_document" : code), "message": .string(message)])])
    }
}
