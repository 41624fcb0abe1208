import CryptoPrimitives
import Foundation
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
    /// Whether `/metrics` is public (`METRICS_PUBLIC`, default true) or needs the admin key.
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
        metricsPublic = options.value("metrics-public", environment: "METRICS_PUBLIC").map { ["1", "true", "yes", "on"].contains($0.lowercased()) } ?? true
        var rates: [String: Double] = ["basic": 20, "professional": 100, "enterprise": 500]
        for tier in Array(rates.keys) {
            if let text = options.environmentValue("RATE_LIMIT_\(tier.uppercased())") {
                guard let value = Double(text), value > 0 else { throw ConfigurationError("RATE_LIMIT_\(tier.uppercased()) must be a positive number") }
                rates[tier] = value
            }
        }
        tierRates = rates
        if let text = options.value("rate-limit-per-key", environment: "RATE_LIMIT_PER_KEY") {
            guard let value = Double(text), value > 0 else { throw ConfigurationError("RATE_LIMIT_PER_KEY must be a positive number") }
            perKeyRate = value
        } else {
            perKeyRate = 50
        }
        cacheTTL = options.duration("cache-ttl", environment: "GATEWAY_CACHE_TTL") ?? .seconds(2)
        maximumBodyBytes = options.value("max-body-bytes", environment: "GATEWAY_MAX_BODY_BYTES").flatMap(Int.init) ?? 1024 * 1024
        accessLog = !(options.flag("no-access-log", environment: "GATEWAY_ACCESS_LOG_OFF"))
    }

    /// The requests-per-second limit of a tier (unknown tiers get the basic rate).
    public func rate(forTier tier: String) -> Double { tierRates[tier] ?? tierRates["basic"] ?? 20 }
}
