import Foundation
import RAGCore
import ServiceRuntime
import WireRPC

// The RAG service process: options, wiring and the run loop; the logic is in RAGCore.
let host = ServiceHost(service: .rag)
var router = RPCRouter()
RAGService().register(on: &router)
exit(await host.run(router: router))
