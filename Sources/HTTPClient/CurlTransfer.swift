import CCurl
import CCurlShims
import Foundation
import Synchronization

/// The raw outcome of one attempt.
struct CurlOutcome: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// One attempt of a request as a libcurl easy handle, with the buffers and C structures it needs kept
/// alive until it finishes. Created on the caller's thread, then touched only by the multi loop's thread
/// (its callbacks run there); `finish` resumes the caller exactly once.
final class CurlTransfer: @unchecked Sendable {
    // Confinement: after `start`, every field below is used only on the multi loop's thread.
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var requestBody: UnsafeMutableRawBufferPointer?
    private let policy: UnsafeMutablePointer<CCurl_socket_policy>
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let maximumBytes: Int
    private var responseBody: [UInt8] = []
    private var responseHeaders: [(name: String, value: String)] = []
    private var tooLarge = false
    private let willSend: (@Sendable () -> Bool)?

    private struct Completion {
        var continuation: CheckedContinuation<Result<CurlOutcome, HTTPClientError>, Never>?
        var result: Result<CurlOutcome, HTTPClientError>?
        var cancelled = false
        var finished = false
    }

    private let completion = Mutex(Completion())

    init(request: HTTPClientRequest, url: String, allowPrivateAddresses: Bool, caBundlePath: String?, userAgent: String) throws(HTTPClientError) {
        guard let easy = curl_easy_init() else { throw HTTPClientError(.client, "cannot create a curl handle", requestSent: false) }
        self.easy = easy
        maximumBytes = max(0, request.maximumResponseBytes)
        willSend = request.willSend
        policy = .allocate(capacity: 1)
        policy.initialize(to: CCurl_socket_policy(allow_private: allowPrivateAddresses ? 1 : 0, blocked: 0))
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var problems: [CURLcode] = []
        func check(_ code: CURLcode) { if code != CURLE_OK { problems.append(code) } }
        check(CCurl_setopt_string(easy, CURLOPT_URL, url))
        check(CCurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        check(CCurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(CCurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check(CCurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(CCurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        check(CCurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        check(CCurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        check(CCurl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, ""))
        check(CCurl_setopt_string(easy, CURLOPT_USERAGENT, userAgent))
        if let caBundlePath { check(CCurl_setopt_string(easy, CURLOPT_CAINFO, caBundlePath)) }
        check(CCurl_setopt_socket_policy(easy, policy))
        let method = request.method.uppercased()
        if method == "HEAD" {
            check(CCurl_setopt_long(easy, CURLOPT_NOBODY, 1))
        } else if method != "GET" || !request.body.isEmpty {
            check(CCurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, request.body.count), alignment: 1)
            if !request.body.isEmpty { copy.copyBytes(from: request.body) }
            requestBody = copy
            check(CCurl_setopt_pointer(easy, CURLOPT_POSTFIELDS, copy.baseAddress))
            check(CCurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
        }
        // No "Expect: 100-continue" round trip for bodies.
        for line in request.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] where !line.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
            headerList = curl_slist_append(headerList, line)
        }
        check(CCurl_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList.map { UnsafeMutableRawPointer($0) }))
        let context = Unmanaged.passUnretained(self).toOpaque()
        check(CCurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(CCurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        check(CCurl_setopt_write_function(easy) { pointer, size, count, userdata in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: pointer, count: size * count))
        })
        check(CCurl_setopt_header_function(easy) { pointer, size, count, userdata in
            guard let userdata else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            return transfer.receiveHeader(UnsafeRawBufferPointer(start: pointer, count: size * count))
        })
        if willSend != nil {
            check(CCurl_setopt_prereq_function(easy, { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                // CURL_PREREQFUNC_OK (0), or CURL_PREREQFUNC_ABORT (1): the request is not sent.
                return Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue().willSend?() == false ? 1 : 0
            }, context))
        }
        if let problem = problems.first {
            release()
            throw HTTPClientError(.client, "cannot configure the transfer: \(String(cString: curl_easy_strerror(problem)))", requestSent: false)
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1_000)
        return total.overflow ? Int.max : max(1, Int(clamping: total.partialValue + attoseconds / 1_000_000_000_000_000))
    }

    // MARK: Callbacks (multi loop thread)

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard responseBody.count + bytes.count <= maximumBytes else {
            tooLarge = true
            return 0  // stops the transfer with CURLE_WRITE_ERROR
        }
        responseBody.append(contentsOf: bytes)
        return bytes.count
    }

    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        // "\r\n" is one Character in Swift, so trim by scalars, not with hasSuffix.
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines)
        if line.hasPrefix("HTTP/") {
            // A new response (after a 100 Continue): its headers replace the previous ones.
            responseHeaders.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "content-length", let length = Int(value), length > maximumBytes {
                tooLarge = true
                return 0
            }
            responseHeaders.append((name, value))
        }
        return bytes.count
    }

    // MARK: Completion

    /// Records the caller's continuation (before the transfer is handed to the loop).
    func install(_ continuation: CheckedContinuation<Result<CurlOutcome, HTTPClientError>, Never>) {
        let early = completion.withLock { state -> Result<CurlOutcome, HTTPClientError>? in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    /// Marks the caller as gone; true if the transfer had not finished yet.
    func markCancelled() -> Bool {
        completion.withLock { state in
            state.cancelled = true
            return !state.finished
        }
    }

    var isCancelled: Bool { completion.withLock { $0.cancelled } }

    /// Turns curl's result code into the outcome (multi loop thread, after removing the handle).
    func complete(_ code: CURLcode) {
        if code == CURLE_OK {
            var status = 0
            _ = CCurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            finish(.success(CurlOutcome(status: status, headers: responseHeaders, body: responseBody)))
            return
        }
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        // Whether any of the request went out: a caller deciding on a retry of a non-idempotent call needs to know.
        var requestBytes = 0
        _ = CCurl_getinfo_long(easy, CURLINFO_REQUEST_SIZE, &requestBytes)
        if tooLarge {
            finish(.failure(HTTPClientError(.responseTooLarge, "the response exceeds \(maximumBytes) bytes")))
        } else if policy.pointee.blocked != 0 {
            finish(.failure(HTTPClientError(.destinationNotAllowed, "the destination resolves to a non-public address", requestSent: false)))
        } else if code == CURLE_OPERATION_TIMEDOUT {
            finish(.failure(HTTPClientError(.timeout, message, requestSent: requestBytes > 0)))
        } else {
            finish(.failure(HTTPClientError(.connection, message, requestSent: requestBytes > 0)))
        }
    }

    /// Answers the caller (once) and frees the handle and buffers.
    func finish(_ result: Result<CurlOutcome, HTTPClientError>) {
        let continuation = completion.withLock { state -> CheckedContinuation<Result<CurlOutcome, HTTPClientError>, Never>? in
            guard !state.finished else { return nil }
            state.finished = true
            if state.continuation == nil { state.result = result }
            defer { state.continuation = nil }
            return state.continuation
        }
        release()
        continuation?.resume(returning: result)
    }

    private var released = false

    private func release() {
        guard !released else { return }
        released = true
        curl_easy_cleanup(easy)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        requestBody?.deallocate()
        requestBody = nil
        policy.deallocate()
        errorBuffer.deallocate()
    }
}
