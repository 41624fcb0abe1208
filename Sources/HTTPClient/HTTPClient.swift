import Foundation
import Synchronization

/// Settings shared by every request of an ``HTTPClient``.
public struct HTTPClientConfiguration: Sendable {
    /// A PEM file of CA certificates to trust instead of the system's (self-signed servers in tests).
    public var caBundlePath: String?
    /// Connections kept open for reuse.
    public var maximumConnections: Int
    public var userAgent: String

    public init(caBundlePath: String? = nil, maximumConnections: Int = 32, userAgent: String = "conversation-backend") {
        self.caBundlePath = caBundlePath
        self.maximumConnections = maximumConnections
        self.userAgent = userAgent
    }
}

/// An HTTP client on libcurl's multi interface, driven by one dedicated thread.
///
/// Every request has a total time limit, a connect limit and a response size cap enforced while the
/// body streams in (a declared `Content-Length` over the cap stops it before the body). Retries follow
/// an ``HTTPRetryPolicy`` with exponential backoff and `Retry-After`; redirects are followed only when
/// asked, each target checked against the ``DestinationPolicy``, which also vets every address curl
/// connects to. Cancelling the calling task stops the transfer.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    /// What the client is for (`embeddings`, `chatwoot`…): its thread's name and its metrics' `client` label.
    public let name: String
    private let loop: CurlMultiLoop
    /// Requests by host and outcome (`2xx`…`5xx`, or the failure kind), attempts counted one by one.
    private let outcomes = Mutex<[String: [String: UInt64]]>([:])

    /// Creates a client and starts its thread.
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(), name: String = "http-client") throws(HTTPClientError) {
        self.configuration = configuration
        self.name = name
        loop = try CurlMultiLoop(name: name, maximumConnections: configuration.maximumConnections)
    }

    /// `http_client_requests_total{client, host, outcome}` in Prometheus' text format (family header included
    /// when `header` is true): every attempt, so retries show. Hosts are at most 100 per client (then `other`).
    public func metricsText(header: Bool = true) -> String {
        let snapshot = outcomes.withLock { $0 }
        var out = header ? "# HELP http_client_requests_total Outbound HTTP attempts (providers, Chatwoot, schedule services) by client, host and outcome.\n"
            + "# TYPE http_client_requests_total counter\n" : ""
        for (host, byOutcome) in snapshot.sorted(by: { $0.key < $1.key }) {
            for (outcome, count) in byOutcome.sorted(by: { $0.key < $1.key }) {
                out += "http_client_requests_total{client=\"\(name)\",host=\"\(host)\",outcome=\"\(outcome)\"} \(count)\n"
            }
        }
        return out
    }

    private func count(_ url: String, _ outcome: String) {
        let host = ParsedURL(url)?.host.filter { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" } ?? "invalid"
        outcomes.withLock { table in
            let key = table[host] != nil || table.count < 100 ? host : "other"
            table[key, default: [:]][outcome, default: 0] += 1
        }
    }

    /// Stops the thread; transfers in progress fail.
    public func shutdown() { loop.shutdown() }

    /// Sends `request` (with its retries and redirects) and returns the final response, whatever its status.
    public func execute(_ request: HTTPClientRequest, policy: DestinationPolicy = .any) async throws(HTTPClientError) -> HTTPClientResponse {
        var attempt = 0
        var backoff = request.retry.initialBackoff
        while true {
            attempt += 1
            let result = await followingRedirects(request, policy: policy)
            switch result {
            case .success(let response): count(request.url, "\(response.status / 100)xx")
            case .failure(let error): count(request.url, String(describing: error.kind))
            }
            let retryPolicy = request.retry
            switch result {
            case .success(var response):
                response.attempts = attempt
                guard attempt < retryPolicy.maximumAttempts, retryPolicy.retryStatuses.contains(response.status) else {
                    return response
                }
                var delay = Self.jittered(backoff)
                if let retryAfter = response.header("Retry-After").flatMap(Self.retryAfter) {
                    // A server asking for longer than we are willing to wait gets its answer as is.
                    guard retryAfter <= retryPolicy.maximumRetryAfter else { return response }
                    delay = retryAfter
                }
                try await Self.sleep(delay)
            case .failure(let error):
                let retriable = error.kind == .connection || error.kind == .timeout
                guard retriable, retryPolicy.retryConnectionFailures, attempt < retryPolicy.maximumAttempts else { throw error }
                try await Self.sleep(Self.jittered(backoff))
            }
            backoff = min(retryPolicy.maximumBackoff, backoff * 2)
        }
    }

    private func followingRedirects(_ request: HTTPClientRequest, policy: DestinationPolicy) async -> Result<HTTPClientResponse, HTTPClientError> {
        var url = request.url
        var redirects = 0
        var current = request
        while true {
            let outcome = await perform(current, url: url, policy: policy)
            guard case .success(let raw) = outcome else {
                if case .failure(let error) = outcome { return .failure(error) }
                return .failure(HTTPClientError(.client, "no outcome"))
            }
            let response = HTTPClientResponse(status: raw.status, headers: raw.headers, body: raw.body, url: url)
            guard [301, 302, 303, 307, 308].contains(raw.status), request.maximumRedirects > 0 else { return .success(response) }
            guard redirects < request.maximumRedirects else {
                return .failure(HTTPClientError(.redirect, "more than \(request.maximumRedirects) redirects", status: raw.status))
            }
            guard let location = response.header("Location"), let next = Self.resolve(location, against: url) else {
                return .failure(HTTPClientError(.redirect, "a redirect without a usable Location", status: raw.status))
            }
            redirects += 1
            url = next
            if raw.status == 303 || ((raw.status == 301 || raw.status == 302) && current.method == "POST") {
                current.method = "GET"
                current.body = []
            }
        }
    }

    private func perform(_ request: HTTPClientRequest, url: String, policy: DestinationPolicy) async -> Result<CurlOutcome, HTTPClientError> {
        guard let parsed = ParsedURL(url) else { return .failure(HTTPClientError(.invalidURL, "'\(url.prefix(200))' is not an http(s) URL", requestSent: false)) }
        if let refusal = policy.check(parsed) { return .failure(HTTPClientError(.destinationNotAllowed, refusal, requestSent: false)) }
        if Task.isCancelled { return .failure(HTTPClientError(.cancelled, "the request was cancelled")) }
        let transfer: CurlTransfer
        do {
            transfer = try CurlTransfer(request: request, url: url, allowPrivateAddresses: policy.allowsPrivateAddresses(for: parsed),
                                        caBundlePath: configuration.caBundlePath, userAgent: configuration.userAgent)
        } catch {
            return .failure(error)
        }
        let loop = self.loop
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.install(continuation)
                if !loop.add(transfer) { transfer.finish(.failure(HTTPClientError(.client, "the HTTP client is shut down"))) }
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    private static func sleep(_ delay: Duration) async throws(HTTPClientError) {
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw HTTPClientError(.cancelled, "the request was cancelled")
        }
    }

    private static func jittered(_ delay: Duration) -> Duration { delay * Double.random(in: 0.8...1.2) }

    /// A `Retry-After` value: delay-seconds or an HTTP date.
    static func retryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return seconds >= 0 ? .seconds(min(seconds, 86_400)) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let seconds = max(0, date.timeIntervalSinceNow)
        return .milliseconds(Int(min(seconds, 86_400) * 1_000))
    }

    /// `location` made absolute against `base`.
    static func resolve(_ location: String, against base: String) -> String? {
        guard let baseURL = URL(string: base), let resolved = URL(string: location, relativeTo: baseURL)?.absoluteURL else { return nil }
        return resolved.absoluteString
    }
}
