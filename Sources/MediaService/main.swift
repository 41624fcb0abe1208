import Foundation
import ServiceRuntime
import WireRPC

// The media service process. Its domain methods are added by later issues; today it serves the
// standard Wire methods (health, listMethods, echo) and shuts down gracefully on SIGTERM/SIGINT.
let host = ServiceHost(service: .media)
exit(await host.run(router: RPCRouter()))
