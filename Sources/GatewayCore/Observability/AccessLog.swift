import ServiceLogging

/// One line per request: `[ts] [company|-] [gateway] METHOD /path status bytes ms rid=...`, with the
/// values of secret-looking query parameters replaced by `***`.
public struct AccessLog: Sendable {
    static let secretParameters: Set<String> = [
        "api_key", "apikey", "key", "token", "access_token", "secret", "password", "signature", "jwt", "auth",
    ]

    private let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Writes the line for one request.
    public func record(method: String, target: String, status: Int, bytes: Int, milliseconds: Double,
                       company: String?, requestID: String) {
        let line = "\(method) \(Self.redact(target)) \(status) \(bytes) \(String(format: "%.2f", milliseconds))ms"
        logger.with(company: company, requestID: requestID).info(line)
    }

    /// The target with secret query values masked.
    public static func redact(_ target: String) -> String {
        guard let mark = target.firstIndex(of: "?") else { return target }
        let path = target[..<mark]
        let query = target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, secretParameters.contains(parts[0].lowercased()) else { return String(pair) }
            return "\(parts[0])=***"
        }
        return "\(path)?\(query.joined(separator: "&"))"
    }
}
