import BlockingIO
import Foundation
import HTTPClient
import RAGCore
import RedisClient
import ServiceRuntime
import WireRPC

// The RAG service process: options, wiring and the run loop; the logic is in RAGCore.
//   --store / RAG_STORE          sqlite (the default without REDIS_URL) or redis (the default with it)
//   --redis-url / REDIS_URL      the shared Redis server (several rag-service replicas share it)
//   --data-dir / DATA_DIR        the embedded document database (<dir>/rag/knowledge.sqlite3) and each tenant's
//                                index snapshot (<dir>/rag/snapshots/tenants/<company>/index.snapshot); default ./data
//   --snapshot-interval / RAG_SNAPSHOT_INTERVAL   how often changed indexes are snapshotted (default 30s)
//   --follow-interval / RAG_FOLLOW_INTERVAL       how often loaded indexes catch up with the store (default 500ms)
//   VECTORSTORE_AUTO_RECOVERY (default true), VECTORSTORE_HEALTH_CHECK_INTERVAL (seconds or a duration, default 30s):
//                                the periodic per-tenant check that repairs the store and rebuilds a mismatched index
let host = ServiceHost(service: .rag)
let companies = host.startCompanyWatcher()

let dataDirectory = host.options.value("data-dir", environment: "DATA_DIR") ?? "data"
let redisURL = host.options.value("redis-url", environment: "REDIS_URL").flatMap { $0.isEmpty ? nil : $0 }
let storeKind = host.options.value("store", environment: "RAG_STORE") ?? (redisURL == nil ? "sqlite" : "redis")
let store: any DocumentStore
switch storeKind {
case "sqlite":
    do {
        store = try await SQLiteDocumentStore(path: dataDirectory + "/rag/knowledge.sqlite3")
    } catch {
        host.exitMisconfigured(error)
    }
case "redis":
    guard let redisURL else { host.exitMisconfigured(ConfigurationError("RAG_STORE=redis needs REDIS_URL")) }
    do {
        store = RedisDocumentStore(redis: try RedisClient(url: redisURL, poolSize: 4))
    } catch {
        host.exitMisconfigured(ConfigurationError("REDIS_URL: \(error)"))
    }
default:
    host.exitMisconfigured(ConfigurationError("RAG_STORE must be sqlite or redis, not '\(storeKind)'"))
}
let snapshotInterval: Duration
let followInterval: Duration
let recovery: RAGService.RecoverySettings
do {
    let autoRecovery = host.options.value("vectorstore-auto-recovery", environment: "VECTORSTORE_AUTO_RECOVERY").map {
        !["0", "false", "no", "off"].contains($0.lowercased())
    } ?? true
    // Plain seconds (as the original took them) or a duration.
    var interval: Duration?
    if let text = host.options.value("vectorstore-health-check-interval", environment: "VECTORSTORE_HEALTH_CHECK_INTERVAL"),
       let seconds = Int(text) {
        guard (1...86_400).contains(seconds) else {
            throw ConfigurationError("VECTORSTORE_HEALTH_CHECK_INTERVAL must be between 1 and 86400 seconds")
        }
        interval = .seconds(seconds)
    } else {
        interval = try host.options.duration("vectorstore-health-check-interval", environment: "VECTORSTORE_HEALTH_CHECK_INTERVAL",
                                             in: .seconds(1)...(.seconds(86_400)))
    }
    recovery = RAGService.RecoverySettings(enabled: autoRecovery, interval: interval ?? .seconds(30))
    snapshotInterval = try host.options.duration("snapshot-interval", environment: "RAG_SNAPSHOT_INTERVAL",
                                                 in: .seconds(1)...(.seconds(86_400))) ?? .seconds(30)
    followInterval = try host.options.duration("follow-interval", environment: "RAG_FOLLOW_INTERVAL",
                                               in: .milliseconds(50)...(.seconds(3_600))) ?? .milliseconds(500)
} catch {
    host.exitMisconfigured(error)
}
let cores = ProcessInfo.processInfo.activeProcessorCount
// Each company's embedder from its providers.embeddings (built-in unless it names an OpenAI-compatible server).
let embedders: CompanyEmbedders
let embeddingsClient: HTTPClient
do {
    embeddingsClient = try HTTPClient(name: "embeddings")
    embedders = CompanyEmbedders(companies: companies, client: embeddingsClient)
} catch {
    host.exitMisconfigured(ConfigurationError("cannot start the embeddings HTTP client: \(error)"))
}
let knowledge = KnowledgeBase(store: store, embedders: embedders, snapshotDirectory: dataDirectory + "/rag/snapshots",
                              pool: BlockingIOPool(name: "rag-search", threads: max(1, cores), maximumQueuedJobs: 10_000))
host.logger.info("document store: \(storeKind); snapshots every \(snapshotInterval), following the store every \(followInterval)")

func every(_ interval: Duration, _ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
    Task {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            await work()
        }
    }
}
let background = [
    every(snapshotInterval) { await knowledge.snapshotChangedTenants() },
    every(followInterval) { await knowledge.followChanges() },
]

let service = RAGService(companies: companies, knowledge: knowledge, recovery: recovery)
host.metrics.addSource { await service.metricsText() + embeddingsClient.metricsText() }
let autoRecovery = Task { await service.runAutoRecovery() }
var router = RPCRouter()
service.register(on: &router)
let status = await host.run(router: router)
autoRecovery.cancel()
for task in background { task.cancel() }
await knowledge.snapshotChangedTenants()
exit(status)
