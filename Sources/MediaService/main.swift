import Foundation
import HTTPClient
import MediaCore
import ServiceRuntime
import WireRPC

// The media service process: options, wiring and the run loop; the logic is in MediaCore.
//   --ocr-languages / MEDIA_OCR_LANGUAGES   Tesseract languages, joined with + (default spa+eng; Debian's tesseract-ocr-spa, -eng)
//   --ocr-timeout / MEDIA_OCR_TIMEOUT       the longest one image's OCR may take (default 15s)
//   --ocr-threads / MEDIA_OCR_THREADS       images read at once (default: the number of cores)
//   TESSDATA_PREFIX                         where the *.traineddata files are, when not Tesseract's default
//   OMP_THREAD_LIMIT, OMP_WAIT_POLICY       set to 1 and PASSIVE (the process restarts itself once to apply them) unless given
OpenMPSettings.applyByRestarting()
let host = ServiceHost(service: .media)
let companies = host.startCompanyWatcher()
let ocr: TesseractOCR
let client: HTTPClient
do {
    let languages = host.options.value("ocr-languages", environment: "MEDIA_OCR_LANGUAGES") ?? "spa+eng"
    let timeout = try host.options.duration("ocr-timeout", environment: "MEDIA_OCR_TIMEOUT", in: .milliseconds(100)...(.seconds(120))) ?? .seconds(15)
    let threads = try host.options.integer("ocr-threads", environment: "MEDIA_OCR_THREADS", in: 1...64)
        ?? ProcessInfo.processInfo.activeProcessorCount
    ocr = TesseractOCR(languages: languages, timeLimit: timeout, threads: threads)
    client = try HTTPClient(name: "media-providers")
} catch {
    host.exitMisconfigured(ConfigurationError("media settings: \(error)"))
}
let service = MediaService(companies: companies, client: client, ocr: ocr, logger: host.logger)
host.metrics.addSource { ocr.metricsText() + client.metricsText() }
var router = RPCRouter()
service.register(on: &router)
exit(await host.run(router: router))
