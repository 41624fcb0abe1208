import BlockingIO
import CTesseract
import Foundation
import Synchronization

/// Offline OCR with Tesseract (through `libtesseract`'s C API), images decoded by Leptonica from memory.
///
/// * Recognition runs on the engine's own ``BlockingIOPool``, never on an event loop or Swift's
///   cooperative threads; each call has a time limit, enforced by Tesseract's own deadline monitor (the
///   text read until then is returned, marked as cut).
/// * A Tesseract handle holds about 30 MB of language data and takes about 0.2 s to load, so handles are
///   made on first use and kept, one per pool thread at most; a handle is used by one thread at a time.
/// * Images larger than ``maximumRecognisedPixels`` are scaled down first: text that small is not read
///   better, only slower.
public final class TesseractOCR: Sendable {
    /// What OCR read from one image.
    public struct Reading: Sendable, Equatable {
        public var text: String
        /// Tesseract's mean word confidence, 0–100.
        public var confidence: Double
        /// The deadline stopped recognition before it finished.
        public var timedOut: Bool
        public var milliseconds: Double
    }

    /// Why OCR could not run.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable {
            /// Tesseract or its language data is missing or broken.
            case unavailable
            /// Leptonica could not decode the image (its headers were fine: the data is damaged).
            case undecodable
            /// The pool is full, or the caller gave up.
            case busy
        }
        public var kind: Kind
        public var message: String
        public var description: String { "ocr \(kind.rawValue): \(message)" }
    }

    /// Tesseract's language codes, joined with `+` (`spa+eng`: Spanish first, English words read too).
    public let languages: String
    /// Where the `*.traineddata` files are (nil: Tesseract's compiled-in default, `TESSDATA_PREFIX` when set).
    public let dataPath: String?
    public let timeLimit: Duration
    /// Above this many pixels an image is scaled down before recognition.
    public let maximumRecognisedPixels: Int
    let pool: BlockingIOPool
    private let idle = Mutex<[Handle]>([])

    public init(languages: String = "spa+eng", dataPath: String? = nil, timeLimit: Duration = .seconds(15),
                maximumRecognisedPixels: Int = 8_000_000, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.languages = languages
        self.dataPath = dataPath
        self.timeLimit = timeLimit
        self.maximumRecognisedPixels = maximumRecognisedPixels
        self.pool = BlockingIOPool(name: "ocr", threads: max(1, threads), maximumQueuedJobs: 64)
        CTesseract_silence_leptonica()
    }

    deinit {
        pool.shutdown()
        idle.withLock { handles in handles.removeAll() }
    }

    /// The OCR pool's queue and busy threads in Prometheus' text format.
    public func metricsText() -> String {
        "# HELP media_ocr_queued_images Images waiting for an OCR thread.\n# TYPE media_ocr_queued_images gauge\nmedia_ocr_queued_images \(pool.queuedJobs)\n"
            + "# HELP media_ocr_busy_threads OCR threads reading an image now.\n# TYPE media_ocr_busy_threads gauge\nmedia_ocr_busy_threads \(pool.busyThreads)\n"
    }

    /// The languages whose data Tesseract can load from ``dataPath`` (tried on the pool, once per call).
    public func installedLanguages() async -> [String] {
        let path = dataPath
        do {
            return try await pool.run { _ in
                guard let api = TessBaseAPICreate() else { return [] }
                defer { TessBaseAPIDelete(api) }
                guard TessBaseAPIInit3(api, path, "eng") == 0 else { return [] }
                guard let list = TessBaseAPIGetAvailableLanguagesAsVector(api) else { return [] }
                defer { TessDeleteTextArray(list) }
                var names: [String] = []
                var index = 0
                while let entry = list[index] {
                    names.append(String(cString: entry))
                    index += 1
                }
                return names.filter { $0 != "osd" }.sorted()
            }
        } catch {
            return []
        }
    }

    /// Reads the text of `image` (a PNG, JPEG, GIF or WebP already checked by ``MediaInspector``).
    public func read(_ image: [UInt8], info: MediaInfo) async throws(Failure) -> Reading {
        let limit = timeLimit
        do {
            // The pool's own limit is a backstop a little after Tesseract's deadline (handles are not interruptible).
            return try await pool.run(timeout: limit + .seconds(5)) { (_) throws(Failure) -> Reading in
                try self.recognise(image, info: info, deadline: limit)
            }
        } catch {
            switch error {
            case .failed(let failure): throw failure
            case .timedOut: throw Failure(kind: .busy, message: "OCR did not finish within \(limit)")
            case .cancelled: throw Failure(kind: .busy, message: "the caller gave up")
            case .rejected(let reason): throw Failure(kind: .busy, message: reason)
            }
        }
    }

    /// Runs on a pool thread.
    private func recognise(_ image: [UInt8], info: MediaInfo, deadline: Duration) throws(Failure) -> Reading {
        let started = DispatchTime.now().uptimeNanoseconds
        let handle = try checkOut()
        defer { checkIn(handle) }
        let decoded: UnsafeMutablePointer<Pix>? = image.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return nil }
            return pixReadMem(base, bytes.count)
        }
        guard var pix = decoded else {
            throw Failure(kind: .undecodable, message: "the \(info.kind.rawValue) image could not be decoded")
        }
        let pixels = Int(pixGetWidth(pix)) * Int(pixGetHeight(pix))
        if pixels > maximumRecognisedPixels {
            let factor = Float((Double(maximumRecognisedPixels) / Double(pixels)).squareRoot())
            if let scaled = pixScale(pix, factor, factor) {
                CTesseract_pix_destroy(pix)
                pix = scaled
            }
        }
        defer { CTesseract_pix_destroy(pix) }
        let api = handle.api
        TessBaseAPISetImage2(api, pix)
        // Screenshots and photos carry no resolution; 300 dpi is what the models were trained at.
        TessBaseAPISetSourceResolution(api, 300)
        let monitor = TessMonitorCreate()
        defer { if let monitor { TessMonitorDelete(monitor) } }
        let milliseconds = deadline.components.seconds * 1_000 + deadline.components.attoseconds / 1_000_000_000_000_000
        if let monitor { TessMonitorSetDeadlineMSecs(monitor, Int32(clamping: milliseconds)) }
        let status = TessBaseAPIRecognize(api, monitor)
        var text = ""
        if let utf8 = TessBaseAPIGetUTF8Text(api) {
            text = String(cString: utf8)
            TessDeleteText(utf8)
        }
        let confidence = Double(max(0, TessBaseAPIMeanTextConf(api)))
        TessBaseAPIClear(api)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return Reading(text: Self.tidy(text), confidence: confidence, timedOut: status != 0, milliseconds: elapsed)
    }

    /// Lines trimmed, runs of blank lines collapsed, form feeds dropped.
    static func tidy(_ text: String) -> String {
        var lines: [String] = []
        for raw in text.replacingOccurrences(of: "\u{0C}", with: "").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    private func checkOut() throws(Failure) -> Handle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let handle = Handle(languages: languages, dataPath: dataPath) else {
            throw Failure(kind: .unavailable, message: "Tesseract cannot load the language data '\(languages)'"
                          + (dataPath.map { " from \($0)" } ?? "") + " (Debian: tesseract-ocr-spa, tesseract-ocr-eng)")
        }
        return handle
    }

    private func checkIn(_ handle: Handle) {
        idle.withLock { $0.append(handle) }
    }

    /// One `TessBaseAPI`, initialised with the languages. Used by one pool thread at a time (checked out of
    /// `idle` and back), which is what makes the unchecked conformance sound.
    final class Handle: @unchecked Sendable {
        let api: OpaquePointer

        init?(languages: String, dataPath: String?) {
            guard let api = TessBaseAPICreate() else { return nil }
            guard TessBaseAPIInit3(api, dataPath, languages) == 0 else {
                TessBaseAPIDelete(api)
                return nil
            }
            // Tesseract writes diagnostics to stderr by default; the service logs its own.
            _ = TessBaseAPISetVariable(api, "debug_file", "/dev/null")
            TessBaseAPISetPageSegMode(api, PSM_AUTO)
            self.api = api
        }

        deinit { TessBaseAPIDelete(api) }
    }
}
