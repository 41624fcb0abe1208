import Foundation
import ServiceRuntime
import WireRPC

// The rag service process. Its domain methods are added by later issues; today it serves the
// standard Wire methods (health, listMethods, echo) and shuts down gracefully on SIGTERM/SIGINT.
let host = ServiceHost(service: .rag)
exit(await host.run(router: RPCRouter()))
