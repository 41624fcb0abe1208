/// Where requests may go: which schemes and hosts, and whether non-public addresses are allowed.
///
/// The address check runs after name resolution on every connection curl opens, so a public-looking
/// name that resolves to `127.0.0.1`, `10.x`, `169.254.169.254` (cloud metadata) or `::1` is refused too.
public struct DestinationPolicy: Sendable, Equatable {
    /// Lower-case host names allowed; nil allows any host.
    public var allowedHosts: Set<String>?
    /// Origins (scheme, host and port) allowed; nil allows any.
    public var allowedOrigins: Set<Origin>?
    /// Whether loopback, private, link-local and other non-public addresses may be reached.
    public var allowPrivateAddresses: Bool
    /// Origins that may be reached on non-public addresses even when ``allowPrivateAddresses`` is false: the
    /// ones an operator configured (a self-hosted Chatwoot on the local network).
    public var trustedOrigins: Set<Origin>
    /// Schemes allowed (`https`, `http`).
    public var allowedSchemes: Set<String>

    public init(allowedHosts: Set<String>? = nil, allowedOrigins: Set<Origin>? = nil, allowPrivateAddresses: Bool = true,
                trustedOrigins: Set<Origin> = [], allowedSchemes: Set<String> = ["http", "https"]) {
        self.allowedHosts = allowedHosts.map { Set($0.map { $0.lowercased() }) }
        self.allowedOrigins = allowedOrigins
        self.allowPrivateAddresses = allowPrivateAddresses
        self.trustedOrigins = trustedOrigins
        self.allowedSchemes = allowedSchemes
    }

    /// Downloads of URLs that outside input names (Chatwoot's attachment `data_url`) from one configured
    /// origin only: another scheme, host or port is refused before any connection, redirects too (each
    /// target is checked), and the origin itself may be on a private address because the operator chose it.
    public static func only(_ origin: Origin) -> DestinationPolicy {
        DestinationPolicy(allowedOrigins: [origin], allowPrivateAddresses: false, trustedOrigins: [origin], allowedSchemes: [origin.scheme])
    }

    /// Whether a connection to `url` may reach a non-public address.
    func allowsPrivateAddresses(for url: ParsedURL) -> Bool {
        allowPrivateAddresses || trustedOrigins.contains(url.origin)
    }

    /// Any http(s) destination: for APIs the operator configured (LLM, embeddings, Chatwoot).
    public static let any = DestinationPolicy()

    /// Downloads of content named by outside input (attachment URLs): only these hosts, only public addresses.
    public static func downloads(from hosts: Set<String>) -> DestinationPolicy {
        DestinationPolicy(allowedHosts: hosts, allowPrivateAddresses: false)
    }

    /// Whether `url` passes the scheme and host checks (the address check happens when connecting).
    func check(_ url: ParsedURL) -> String? {
        guard allowedSchemes.contains(url.scheme) else { return "the scheme '\(url.scheme)' is not allowed" }
        if let allowedHosts, !allowedHosts.contains(url.host) { return "the host '\(url.host)' is not allowed" }
        if let allowedOrigins, !allowedOrigins.contains(url.origin) { return "the origin '\(url.origin)' is not allowed" }
        return nil
    }
}

/// Where a URL points: scheme, lower-case host and port (the scheme's own when none is written).
public struct Origin: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// The origin of an absolute http(s) URL (nil for anything else).
    public init?(url: String) {
        guard let parsed = ParsedURL(url) else { return nil }
        self = parsed.origin
    }

    public var description: String { "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

/// The parts of an absolute URL the client checks.
struct ParsedURL: Equatable {
    var scheme: String
    var host: String
    /// The written port, else 80 or 443.
    var port: Int

    var origin: Origin { Origin(scheme: scheme, host: host, port: port) }

    /// Parses `text`; nil unless it is an absolute http(s) URL with a host and no credentials or spaces.
    init?(_ text: String) {
        guard text.utf8.count <= 8_192, !text.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }),
              let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@"), !authority.isEmpty else { return nil }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else {
            host = authority.prefix { $0 != ":" }
            if let colon = authority.firstIndex(of: ":") { portText = authority[authority.index(after: colon)...] }
        }
        guard !host.isEmpty else { return nil }
        if host.hasSuffix(".") { host = host.dropLast() }
        var port = scheme == "https" ? 443 : 80
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(portText), (1...65_535).contains(value) else { return nil }
            port = value
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }
}
