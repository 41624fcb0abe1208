/// Where requests may go: which schemes and hosts, and whether non-public addresses are allowed.
///
/// The address check runs after name resolution on every connection curl opens, so a public-looking
/// name that resolves to `127.0.0.1`, `10.x`, `169.254.169.254` (cloud metadata) or `::1` is refused too.
public struct DestinationPolicy: Sendable, Equatable {
    /// Lower-case host names allowed; nil allows any host.
    public var allowedHosts: Set<String>?
    /// Whether loopback, private, link-local and other non-public addresses may be reached.
    public var allowPrivateAddresses: Bool
    /// Schemes allowed (`https`, `http`).
    public var allowedSchemes: Set<String>

    public init(allowedHosts: Set<String>? = nil, allowPrivateAddresses: Bool = true, allowedSchemes: Set<String> = ["http", "https"]) {
        self.allowedHosts = allowedHosts.map { Set($0.map { $0.lowercased() }) }
        self.allowPrivateAddresses = allowPrivateAddresses
        self.allowedSchemes = allowedSchemes
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
        return nil
    }
}

/// The parts of an absolute URL the client checks.
struct ParsedURL: Equatable {
    var scheme: String
    var host: String

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
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        guard !host.isEmpty else { return nil }
        if host.hasSuffix(".") { host = host.dropLast() }
        self.scheme = scheme
        self.host = host.lowercased()
    }
}
