import BlockingIO
import Foundation
import RAGCore
import ServiceRuntime
import WireRPC

// The RAG service process: options, wiring and the run loop; the logic is in RAGCore.
//   --data-dir / DATA_DIR    where the embedded document database lives (default ./data): <dir>/rag/knowledge.sqlite3,
//                            with each tenant's index snapshot under <dir>/rag/snapshots/tenants/<company>/
//   --snapshot-interval / RAG_SNAPSHOT_INTERVAL   how often changed indexes are snapshotted (default 30s)
let host = ServiceHost(service: .rag)
let companies = host.startCompanyWatcher()

let dataDirectory = host.options.value("data-dir", environment: "DATA_DIR") ?? "data"
let store: SQLiteDocumentStore
do {
    store = try await SQLiteDocumentStore(path: dataDirectory + "/rag/knowledge.sqlite3")
} catch {
    host.exitMisconfigured(error)
}
let snapshotInterval: Duration
do {
    snapshotInterval = try host.options.duration("snapshot-interval", environment: "RAG_SNAPSHOT_INTERVAL",
                                                 in: .seconds(1)...(.seconds(86_400))) ?? .seconds(30)
} catch {
    host.exitMisconfigured(error)
}
let cores = ProcessInfo.processInfo.activeProcessorCount
let knowledge = KnowledgeBase(store: store, snapshotDirectory: dataDirectory + "/rag/snapshots",
                              pool: BlockingIOPool(name: "rag-search", threads: max(1, cores), maximumQueuedJobs: 10_000))
let snapshots = Task {
    while !Task.isCancelled {
        try? await Task.sleep(for: snapshotInterval)
        await knowledge.snapshotChangedTenants()
    }
}

var router = RPCRouter()
RAGService(companies: companies, knowledge: knowledge).register(on: &router)
let status = await host.run(router: router)
snapshots.cancel()
await knowledge.snapshotChangedTenants()
exit(status)
