import CryptoPrimitives
import Foundation
import HTTPServerCore
import NetworkCore
import ServiceRuntime
import Wire

/// Everything the gateway reads from flags and environment, validated at start.
public struct GatewayConfiguration: Sendable {
    /// Plain HTTP listeners (`GATEWAY_HTTP_ADDRESS`, default `tcp://127.0.0.1:8080`; empty string disables).
    public var httpAddresses: [SocketAddress]
    /// HTTPS listeners (`GATEWAY_HTTPS_ADDRESS`), served with `GATEWAY_TLS_CERT` and `GATEWAY_TLS_KEY`.
    public var httpsAddresses: [SocketAddress]
    public var tlsCertificatePath: String?
    public var tlsPrivateKeyPath: String?
    /// `AUTH_MODE=off` disables authentication (local development only; logged loudly).
    public var authenticationEnabled: Bool
    /// SHA-256 hashes of the admin API keys (`GATEWAY_ADMIN_API_KEYS`, `GATEWAY_ADMIN_API_KEY_FILE`).
    public var adminKeyHashes: [[UInt8]]
    /// HS256 secret for bearer tokens (`JWT_SECRET`); nil disables JWT authentication.
    public var jwtSecret: [UInt8]?
    /// Applied when a tenant-scoped request names no company (`DEFAULT_COMPANY_ID`); nil by default.
    public var defaultCompany: CompanyID?
    /// Origins allowed by CORS (`CORS_ALLOWED_ORIGINS`, comma-separated; `*` allows any).
    public var corsAllowedOrigins: [String]
    /// The admin panel's folder (`GATEWAY_PANEL_DIR`, default `panel` in the working directory), read at start.
    public var panelDirectory: String = "panel"
    /// Whether `/metrics` is public (`METRICS_PUBLIC`, default false: it names companies) or needs the admin key.
    public var metricsPublic: Bool
    /// Requests per second allowed per tenant, by subscription tier (`RATE_LIMIT_<TIER>`, e.g. `RATE_LIMIT_BASIC=20`).
    public var tierRates: [String: Double]
    /// Requests per second allowed per API key (`RATE_LIMIT_PER_KEY`).
    public var perKeyRate: Double
    /// How long company data and key verifications are cached (`GATEWAY_CACHE_TTL`, default 2 s).
    public var cacheTTL: Duration
    /// Default body limit (`GATEWAY_MAX_BODY_BYTES`, 1 MiB).
    public var maximumBodyBytes: Int
    /// Whether the access log is written.
    public var accessLog: Bool
    /// Whether anonymous callers may list companies and read their public profile (`PUBLIC_DIRECTORY`,
    /// off by default: the directory then needs credentials like every other route).
    public var publicDirectory: Bool
    /// Failed authentications allowed per client address per second before the gateway answers 429 without
    /// asking the config service (`AUTH_FAILURE_RATE`, default 2, bursts of 20).
    public var authFailureRate: Double

    /// Reads the configuration.
    public init(options: CommandLineOptions) throws(ConfigurationError) {
        func addresses(_ flag: String, _ variable: String, default fallback: String?) throws(ConfigurationError) -> [SocketAddress] {
            let texts = options.values(flag, environment: variable)
            let list = texts.isEmpty ? (fallback.map { [$0] } ?? []) : texts
            var result: [SocketAddress] = []
            for text in list where !text.isEmpty {
                do {
                    result.append(try SocketAddress(parsing: text))
                } catch {
                    throw ConfigurationError("\(variable): \(error)")
                }
            }
            return result
        }
        httpAddresses = try addresses("http", "GATEWAY_HTTP_ADDRESS", default: "tcp://127.0.0.1:8080")
        httpsAddresses = try addresses("https", "GATEWAY_HTTPS_ADDRESS", default: nil)
        tlsCertificatePath = options.value("tls-cert", environment: "GATEWAY_TLS_CERT")
        tlsPrivateKeyPath = options.value("tls-key", environment: "GATEWAY_TLS_KEY")
        if !httpsAddresses.isEmpty && (tlsCertificatePath == nil || tlsPrivateKeyPath == nil) {
            throw ConfigurationError("GATEWAY_HTTPS_ADDRESS needs GATEWAY_TLS_CERT and GATEWAY_TLS_KEY")
        }
        let mode = (options.value("auth-mode", environment: "AUTH_MODE") ?? "on").lowercased()
        guard mode == "on" || mode == "off" else { throw ConfigurationError("AUTH_MODE must be 'on' or 'off'") }
        authenticationEnabled = mode == "on"
        var adminKeys = options.values("admin-api-key", environment: "GATEWAY_ADMIN_API_KEYS")
        if let file = options.value("admin-api-key-file", environment: "GATEWAY_ADMIN_API_KEY_FILE") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("GATEWAY_ADMIN_API_KEY_FILE: cannot read \(file)")
            }
            adminKeys += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        for key in adminKeys where key.utf8.count < 24 {
            throw ConfigurationError("admin API keys must be at least 24 characters long")
        }
        adminKeyHashes = adminKeys.map { Digest.sha256(Array($0.utf8)) }
        if let secret = options.value("jwt-secret", environment: "JWT_SECRET") {
            guard secret.utf8.count >= 32 else { throw ConfigurationError("JWT_SECRET must be at least 32 bytes") }
            jwtSecret = Array(secret.utf8)
        }
        if let text = options.value("default-company", environment: "DEFAULT_COMPANY_ID") {
            guard let id = CompanyID(text) else { throw ConfigurationError("DEFAULT_COMPANY_ID '\(text)' is not a valid company id") }
            defaultCompany = id
        }
        corsAllowedOrigins = options.values("cors-origin", environment: "CORS_ALLOWED_ORIGINS")
        metricsPublic = options.value("metrics-public", environment: "METRICS_PUBLIC").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? false
        var rates: [String: Double] = ["basic": 20, "professional": 100, "enterprise": 500]
        for tier in Array(rates.keys) {
            if let value = try options.number("rate-limit-\(tier)", environment: "RATE_LIMIT_\(tier.uppercased())", in: Self.rateRange) {
                rates[tier] = value
            }
        }
        tierRates = rates
        perKeyRate = try options.number("rate-limit-per-key", environment: "RATE_LIMIT_PER_KEY", in: Self.rateRange) ?? 50
        authFailureRate = try options.number("auth-failure-rate", environment: "AUTH_FAILURE_RATE", in: 0.01...10_000) ?? 2
        cacheTTL = try options.duration("cache-ttl", environment: "GATEWAY_CACHE_TTL", in: .milliseconds(10)...(.seconds(300))) ?? .seconds(2)
        maximumBodyBytes = try options.integer("max-body-bytes", environment: "GATEWAY_MAX_BODY_BYTES", in: 1_024...(1 << 30))
            ?? 1024 * 1024
        accessLog = !(options.flag("no-access-log", environment: "GATEWAY_ACCESS_LOG_OFF"))
        publicDirectory = options.flag("public-directory", environment: "PUBLIC_DIRECTORY")
        panelDirectory = options.value("panel-dir", environment: "GATEWAY_PANEL_DIR") ?? "panel"

        var http = HTTPServerConfiguration(plainAddresses: httpAddresses, tlsAddresses: httpsAddresses)
        let seconds = Duration.milliseconds(100)...(.seconds(3_600))
        if let value = try options.integer("max-connections", environment: "GATEWAY_MAX_CONNECTIONS", in: 1...1_000_000) {
            http.maximumConnections = value
        }
        if let value = try options.duration("header-timeout", environment: "GATEWAY_HEADER_TIMEOUT", in: seconds) { http.headerReadTimeout = value }
        if let value = try options.duration("body-timeout", environment: "GATEWAY_BODY_TIMEOUT", in: seconds) { http.bodyIdleTimeout = value }
        if let value = try options.duration("body-total-timeout", environment: "GATEWAY_BODY_TOTAL_TIMEOUT", in: seconds) {
            http.bodyReadTimeout = value
        }
        if let value = try options.duration("keepalive-timeout", environment: "GATEWAY_KEEPALIVE_TIMEOUT", in: seconds) {
            http.keepAliveIdleTimeout = value
        }
        if let value = try options.duration("tls-handshake-timeout", environment: "GATEWAY_TLS_HANDSHAKE_TIMEOUT", in: seconds) {
            http.tlsHandshakeTimeout = value
        }
        if let value = try options.duration("linger-timeout", environment: "GATEWAY_LINGER_TIMEOUT", in: .zero...(.seconds(60))) {
            http.lingerTimeout = value
        }
        if let value = try options.duration("shutdown-grace", environment: "WIRE_SHUTDOWN_GRACE", in: .zero...(.seconds(300))) {
            http.shutdownGracePeriod = value
        }
        httpServer = http
    }

    /// The HTTP server's listeners, limits and timeouts (`GATEWAY_MAX_CONNECTIONS`, `GATEWAY_*_TIMEOUT`), validated.
    /// The TLS context is added at start, since it is reloaded on `SIGHUP`.
    public var httpServer: HTTPServerConfiguration

    /// Requests per second a rate setting may have (the same range as a company's `rate_limit_per_second`).
    public static let rateRange: ClosedRange<Double> = 0.01...100_000

    /// The requests-per-second limit of a tier (unknown tiers get the basic rate).
    public func rate(forTier tier: String) -> Double { tierRates[tier] ?? tierRates["basic"] ?? 20 }
}
