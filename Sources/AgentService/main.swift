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
//   --data-dir / DATA_DIR                        the embedded appointment database: <dir>/agent/appointments.sqlite3 (default ./data)

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

var router = RPCRouter()
AgentService(companies: companies).register(on: &router)
// Companies with a schedule_service_url get their availability from it (the original's contract).
let scheduleService: ScheduleServiceClient
do {
    scheduleService = ScheduleServiceClient(client: try HTTPClient(name: "schedule-service"))
} catch {
    host.exitMisconfigured(ConfigurationError("cannot start the schedule-service HTTP client: \(error)"))
}
AppointmentsService(companies: companies, book: AppointmentBook(store: appointments, scheduleService: scheduleService)).register(on: &router)
exit(await host.run(router: router))
