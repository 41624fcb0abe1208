import AgentCore
import AppointmentsCore
import Foundation
import HTTPClient
import RedisClient
import ServiceRuntime
import Wire
import WireRPC

// The agent service: keeps its own copy of the company configuration (propagated from the config service)
// and serves the agents' methods and each company's appointments. The logic is in AgentCore and AppointmentsCore.
//   --appointments-store / APPOINTMENTS_STORE   sqlite (the default without REDIS_URL) or redis (the default with it)
//   --redis-url / REDIS_URL                      the shared Redis server (several agent-service replicas share it)
//   --memory-store / MEMORY_STORE               sqlite (the default without REDIS_URL) or redis (the default with it): conversations
//   --data-dir / DATA_DIR                        the embedded databases: <dir>/agent/appointments.sqlite3, <dir>/agent/memory.sqlite3,
//                                                <dir>/agent/inbox.sqlite3 (the Chatwoot webhook inbox), <dir>/agent/chatwoot-sends.journal
//                                                (which Chatwoot calls left: settles those a crash interrupted) (default ./data)
//   --webhook-inbox-store / WEBHOOK_INBOX_STORE sqlite (the default without REDIS_URL) or redis (the default with it): the
//                                                Chatwoot inbox; on Redis a stream (WEBHOOK_STREAM, default agent:webhook:stream) read by
//                                                the consumer group WEBHOOK_GROUP (default agent-service) as WEBHOOK_CONSUMER
//                                                (default <host name>-<hash of the listen address>)
//   --chatwoot-timeout / CHATWOOT_TIMEOUT        one Chatwoot API call's time limit (default 10s)
//   --webhook-workers / WEBHOOK_WORKERS          webhook events processed at once, across conversations (default 8)
//   --webhook-max-attempts / WEBHOOK_MAX_ATTEMPTS attempts before an event is a dead letter (default 8)
//   --webhook-retry-backoff / WEBHOOK_RETRY_BACKOFF the first retry's delay, doubling up to 5 minutes (default 1s)

let host = ServiceHost(service: .agent)
let companies = host.startCompanyWatcher()

let dataDirectory = host.options.value("data-dir", environment: "DATA_DIR") ?? "data"
let redisURL = host.options.value("redis-url", environment: "REDIS_URL").flatMap { $0.isEmpty ? nil : $0 }
let storeKind = host.options.value("appointments-store", environment: "APPOINTMENTS_STORE") ?? (redisURL == nil ? "sqlite" : "redis")
let appointments: any AppointmentStore
switch storeKind {
case "sqlite":
    do {
        appointments = try await SQLiteAppointmentStore(path: dataDirectory + "/agent/appointments.sqlite3")
    } catch {
        host.exitMisconfigured(error)
    }
case "redis":
    guard let redisURL else { host.exitMisconfigured(ConfigurationError("APPOINTMENTS_STORE=redis needs REDIS_URL")) }
    do {
        appointments = RedisAppointmentStore(redis: try RedisClient(url: redisURL, poolSize: 4))
    } catch {
        host.exitMisconfigured(ConfigurationError("REDIS_URL: \(error)"))
    }
default:
    host.exitMisconfigured(ConfigurationError("APPOINTMENTS_STORE must be sqlite or redis, not '\(storeKind)'"))
}
host.logger.info("appointment store: \(storeKind)")

let memoryKind = host.options.value("memory-store", environment: "MEMORY_STORE") ?? (redisURL == nil ? "sqlite" : "redis")
let memory: any ConversationStore
switch memoryKind {
case "sqlite":
    do {
        memory = try await SQLiteConversationStore(path: dataDirectory + "/agent/memory.sqlite3")
    } catch {
        host.exitMisconfigured(error)
    }
case "redis":
    guard let redisURL else { host.exitMisconfigured(ConfigurationError("MEMORY_STORE=redis needs REDIS_URL")) }
    do {
        memory = RedisConversationStore(redis: try RedisClient(url: redisURL, poolSize: 4))
    } catch {
        host.exitMisconfigured(ConfigurationError("REDIS_URL: \(error)"))
    }
default:
    host.exitMisconfigured(ConfigurationError("MEMORY_STORE must be sqlite or redis, not '\(memoryKind)'"))
}
host.logger.info("conversation memory: \(memoryKind)")
let knowledge: RAGKnowledgeSearch
let exemplars: ExemplarClassifier
do {
    let ragClient = try host.client(for: .rag)
    knowledge = RAGKnowledgeSearch(client: ragClient)
    // Messages with no cue the lexicons know are compared with exemplar messages, with the company's embedder.
    exemplars = ExemplarClassifier(embedding: RAGTextEmbedding(client: ragClient))
} catch {
    host.exitMisconfigured(error)
}

var router = RPCRouter()
AgentService(companies: companies).register(on: &router)
// Companies with a schedule_service_url get their availability from it (the original's contract).
let scheduleService: ScheduleServiceClient
let scheduleHTTP: HTTPClient
do {
    scheduleHTTP = try HTTPClient(name: "schedule-service")
    scheduleService = ScheduleServiceClient(client: scheduleHTTP)
} catch {
    host.exitMisconfigured(ConfigurationError("cannot start the schedule-service HTTP client: \(error)"))
}
let book = AppointmentBook(store: appointments, scheduleService: scheduleService)
AppointmentsService(companies: companies, book: book).register(on: &router)
// Companies with an openai `providers.llm` get their sales and support answers written by that model (grounded).
let languageModels: CompanyLanguageModels
let languageModelHTTP: HTTPClient
do {
    languageModelHTTP = try HTTPClient(name: "language-models")
    languageModels = CompanyLanguageModels(companies: companies, client: languageModelHTTP)
} catch {
    host.exitMisconfigured(ConfigurationError("cannot start the language-model HTTP client: \(error)"))
}
let engine = ConversationEngine(memory: memory, knowledge: knowledge, appointments: book, languageModels: languageModels, exemplars: exemplars,
                                logger: host.logger)

// Chatwoot: webhook events are stored in the inbox before they are acknowledged, then answered by the processor.
let inboxKind = host.options.value("webhook-inbox-store", environment: "WEBHOOK_INBOX_STORE") ?? (redisURL == nil ? "sqlite" : "redis")
let inbox: any WebhookInbox
switch inboxKind {
case "sqlite":
    do {
        inbox = try await SQLiteWebhookInbox(path: dataDirectory + "/agent/inbox.sqlite3")
    } catch {
        host.exitMisconfigured(error)
    }
case "redis":
    guard let redisURL else { host.exitMisconfigured(ConfigurationError("WEBHOOK_INBOX_STORE=redis needs REDIS_URL")) }
    // The consumer name must survive a restart of this replica (it then finds the entries it held) and differ
    // between replicas: the host name and the Wire listen address, unless given.
    let listen = host.options.values("listen", environment: "WIRE_LISTEN").joined(separator: ",")
    let consumer = host.options.value("webhook-consumer", environment: "WEBHOOK_CONSUMER")
        ?? ProcessInfo.processInfo.hostName + "-" + String(listen.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }, radix: 36)
    do {
        inbox = RedisWebhookInbox(redis: try RedisClient(url: redisURL, poolSize: 4),
                                  streamKey: host.options.value("webhook-stream", environment: "WEBHOOK_STREAM") ?? "agent:webhook:stream",
                                  group: host.options.value("webhook-group", environment: "WEBHOOK_GROUP") ?? "agent-service", consumer: consumer)
    } catch {
        host.exitMisconfigured(ConfigurationError("REDIS_URL: \(error)"))
    }
default:
    host.exitMisconfigured(ConfigurationError("WEBHOOK_INBOX_STORE must be sqlite or redis, not '\(inboxKind)'"))
}
host.logger.info("webhook inbox: \(inboxKind)")
let chatwoot: ChatwootClient
let chatwootHTTP: HTTPClient
let inboxPolicy: WebhookProcessor.Policy
do {
    chatwootHTTP = try HTTPClient(name: "chatwoot")
    let timeout = try host.options.duration("chatwoot-timeout", environment: "CHATWOOT_TIMEOUT", in: .milliseconds(200)...(.seconds(60))) ?? .seconds(10)
    chatwoot = ChatwootClient(client: chatwootHTTP, timeout: timeout)
    var policy = WebhookProcessor.Policy()
    policy.concurrency = try host.options.integer("webhook-workers", environment: "WEBHOOK_WORKERS", in: 1...64) ?? policy.concurrency
    policy.maximumAttempts = try host.options.integer("webhook-max-attempts", environment: "WEBHOOK_MAX_ATTEMPTS", in: 1...50) ?? policy.maximumAttempts
    policy.initialBackoff = try host.options.duration("webhook-retry-backoff", environment: "WEBHOOK_RETRY_BACKOFF",
                                                      in: .milliseconds(10)...(.seconds(600))) ?? policy.initialBackoff
    inboxPolicy = policy
} catch {
    host.exitMisconfigured(ConfigurationError("Chatwoot settings: \(error)"))
}
let journal: SendJournal
do {
    journal = try SendJournal(path: dataDirectory + "/agent/chatwoot-sends.journal")
} catch {
    host.exitMisconfigured(error)
}
// Voice notes and photos: downloaded from the company's own Chatwoot only, understood by the media service.
let attachments: AttachmentComposer
let downloads: HTTPClient
do {
    downloads = try HTTPClient(name: "chatwoot-attachments")
    attachments = AttachmentComposer(downloader: AttachmentDownloader(client: downloads, logger: host.logger),
                                     media: MediaServiceClient(client: try host.client(for: .media)), logger: host.logger)
} catch {
    host.exitMisconfigured(ConfigurationError("attachments: \(error)"))
}
let processor = WebhookProcessor(
    inbox: inbox, engine: engine, chatwoot: chatwoot, journal: journal,
    company: { id in
        if let company = companies.company(id) { return .found(company) }
        // Not in this copy: a company created a moment ago, one deleted, or a configuration never loaded.
        do {
            try await companies.refresh()
        } catch {
            return .unavailable
        }
        return companies.company(id).map(WebhookProcessor.CompanyLookup.found) ?? .gone
    },
    token: { (id) throws(RPCError) -> String? in try await companies.secrets(of: id).chatwootAPIAccessToken },
    attachments: attachments, policy: inboxPolicy, logger: host.logger)
let channels = ChannelService(companies: companies, inbox: inbox, storeKind: inboxKind, wake: { processor.notify() },
                              processorMetrics: { processor.metrics })
channels.register(on: &router)
// Answering runs below the RPC handlers' priority: acknowledging a delivery (storing it) comes before answering one.
let processing = Task(priority: .low) { await processor.run() }
// Provider, Chatwoot and schedule-service calls, for /metrics.
host.metrics.addSource {
    [scheduleHTTP, languageModelHTTP, chatwootHTTP, downloads].enumerated().map { $0.element.metricsText(header: $0.offset == 0) }.joined()
}

ConversationService(companies: companies, engine: engine, memoryKind: memoryKind, channels: channels, inboxKind: inboxKind)
    .register(on: &router)
// Purge: the company's appointments, conversations and webhook inbox (events, outbox, handoff states).
router.registerTenantPurge(service: .agent, companies: companies, items: "appointments, conversations and webhook events") { scope in
    try await book.purge(scope) + memory.purge(scope) + inbox.purge(scope)
}
// The privacy retention of the companies that set one (memory.retention_days), hourly by default.
let retentionInterval: Duration
do {
    retentionInterval = try host.options.duration("retention-interval", environment: "RETENTION_SWEEP_INTERVAL",
                                                  in: .seconds(1)...(.seconds(86_400))) ?? .seconds(3600)
} catch {
    host.exitMisconfigured(ConfigurationError("RETENTION_SWEEP_INTERVAL: \(error)"))
}
var retentionLogger = host.logger
retentionLogger.component = "retention"
let retention = Task(priority: .low) { [retentionLogger] in
    await RetentionSweep(companies: { Array(companies.companies.values) }, memory: memory, inbox: inbox, logger: retentionLogger).run(every: retentionInterval)
}
let status = await host.run(router: router)
processing.cancel()
retention.cancel()
exit(status)
