import BlockingIO
import Foundation
import RAGCore
import ServiceRuntime
import WireRPC

// The RAG service process: options, wiring and the run loop; the logic is in RAGCore.
//   --data-dir / DATA_DIR    where the embedded document database lives (default ./data): <dir>/rag/knowledge.sqlite3
let host = ServiceHost(service: .rag)
let companies = host.startCompanyWatcher()

let dataDirectory = host.options.value("data-dir", environment: "DATA_DIR") ?? "data"
let store: SQLiteDocumentStore
do {
    store = try await SQLiteDocumentStore(path: dataDirectory + "/rag/knowledge.sqlite3")
} catch {
    host.exitMisconfigured(error)
}
let cores = ProcessInfo.processInfo.activeProcessorCount
let knowledge = KnowledgeBase(store: store, pool: BlockingIOPool(name: "rag-search", threads: max(1, cores), maximumQueuedJobs: 10_000))

var router = RPCRouter()
RAGService(companies: companies, knowledge: knowledge).register(on: &router)
exit(await host.run(router: router))
