/// A complete HTTP response.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Header fields of the final response, in order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Attempts made (1 without retries).
    public var attempts: Int
    /// The URL that answered (after redirects).
    public var url: String

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], attempts: Int = 1, url: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
        self.url = url
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
