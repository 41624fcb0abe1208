import Foundation
import ServiceRuntime
import Wire
import WireRPC

// The rag service process. Its domain methods are added by later issues; today it serves the
// standard Wire methods (health, listMethods, echo) and shuts down gracefully on SIGTERM/SIGINT.
let host = ServiceHost(service: .rag)
var router = RPCRouter()
router.registerNoTenantDataPurge(service: ServiceName.rag.rawValue)
exit(await host.run(router: router))
