import Foundation
import MediaCore
import ServiceRuntime
import WireRPC

// The media service process: options, wiring and the run loop; the logic is in MediaCore.
let host = ServiceHost(service: .media)
var router = RPCRouter()
MediaService().register(on: &router)
exit(await host.run(router: router))
