import Testing
import TenantStorage
import Wire
@testable import RAGCore

func testScope(_ id: String) -> TenantScope {
    // The ids and prefixes are valid by construction.
    try! TenantScope(company: Company(id: CompanyID(id)!, companyName: id, redisPrefix: "\(id):", vectorstoreIndex: "\(id)_documents"))
}

struct TenantIndexTests {
    let embedder = BuiltInEmbedder()

    func document(_ id: String, _ title: String, _ content: String, category: String = "general") -> IndexableDocument {
        let chunks = DocumentChunker().chunks(of: content)
        return IndexableDocument.embedded(id: id, title: title, metadataJSON: #"{"category":"\#(category)"}"#,
                                          fields: ["category": [category]], chunks: chunks, embedder: embedder)
    }

    func search(_ index: TenantIndex, _ query: String, mode: SearchMode = .hybrid, k: Int = 3, filter: [String: [String]] = [:]) -> [String] {
        index.search(vector: embedder.vector(query), text: query, k: k, mode: mode, filter: filter).map(\.documentID)
    }

    func clinic() -> TenantIndex {
        let index = TenantIndex(scope: testScope("benova"), dimensions: embedder.dimensions, embedder: embedder.identifier)
        index.replace(document("botox", "Toxina botulínica", "El tratamiento con toxina botulínica suaviza las arrugas de expresión de la frente. Precio: 250 € por zona.", category: "precios"))
        index.replace(document("laser", "Depilación láser", "La depilación láser de diodo elimina el vello de piernas y axilas. Sesiones cada seis semanas.", category: "tratamientos"))
        index.replace(document("horario", "Horario", "Abrimos de lunes a viernes de 9:00 a 20:00 y los sábados de 10:00 a 14:00.", category: "horarios"))
        return index
    }

    @Test func everyMode_FindsTheRightDocument() {
        let index = clinic()
        for mode in SearchMode.allCases {
            #expect(search(index, "precio toxina botulínica arrugas", mode: mode).first == "botox", "\(mode)")
            #expect(search(index, "depilación de piernas", mode: mode).first == "laser", "\(mode)")
        }
        #expect(search(index, "sabados horario", mode: .keyword).first == "horario")
        // A typo still reaches the document through character trigrams.
        #expect(search(index, "depilasion", mode: .vector).first == "laser")
    }

    @Test func filters_ApplyInsideBothHalves() {
        let index = clinic()
        #expect(search(index, "toxina botulínica", filter: ["category": ["tratamientos"]]).allSatisfy { $0 == "laser" })
        let twoCategories = search(index, "depilación", filter: ["category": ["tratamientos", "precios"]])
        #expect(twoCategories.first == "laser" && !twoCategories.contains("horario"))
        #expect(search(index, "toxina botulínica", mode: .keyword, filter: ["category": ["horarios", "tratamientos"]]).isEmpty)
        #expect(search(index, "toxina", filter: ["category": ["nothing"]]).isEmpty)
        #expect(search(index, "toxina", filter: ["unknown_field": ["x"]]).isEmpty)
    }

    @Test func replacing_AndRemoving_KeepOnlyTheLatestVersion() {
        let index = clinic()
        #expect(index.replace(document("botox", "Toxina botulínica", "Nueva tarifa de hilos tensores faciales.")))
        #expect(search(index, "arrugas frente", mode: .keyword).contains("botox") == false)
        #expect(search(index, "hilos tensores", mode: .keyword).first == "botox")
        #expect(index.counts.documents == 3)
        #expect(index.remove("laser") == 1)
        #expect(search(index, "depilación piernas").contains("laser") == false)
        #expect(index.remove("laser") == 0)
        #expect(index.counts == (2, 2))
    }

    @Test func compaction_KeepsResultsIdentical() {
        let index = TenantIndex(scope: testScope("benova"), dimensions: embedder.dimensions, embedder: embedder.identifier)
        for number in 0..<600 {
            index.replace(document("doc\(number)", "Documento \(number)", "Contenido del documento número \(number) sobre tratamiento \(number % 7)."))
        }
        let before = search(index, "documento número 599 tratamiento", k: 5)
        for number in 0..<300 { index.remove("doc\(number)") } // more than a quarter dead: compacts
        #expect(index.counts == (300, 300))
        let after = search(index, "documento número 599 tratamiento", k: 5)
        #expect(after.first == "doc599")
        #expect(before.first == after.first)
        #expect(!search(index, "documento número 5", mode: .keyword, k: 50).contains("doc5"))
    }

    @Test func minScore_AndK_AreHonoured() {
        let index = clinic()
        let all = index.search(vector: embedder.vector("tratamiento"), text: "tratamiento", k: 1, mode: .hybrid)
        #expect(all.count == 1)
        #expect(all[0].score <= 1 && all[0].score > 0)
        #expect(index.search(vector: embedder.vector("toxina"), text: "toxina", k: 5, mode: .hybrid, minScore: 1.01).isEmpty)
    }
}
