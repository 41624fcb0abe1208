/// A request the server refuses to parse: the status to answer with (400, 408, 413, 431, 501, 505)
/// and the error code and message of the envelope. The connection is closed after the answer.
public struct HTTPParseError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func bad(_ message: String) -> HTTPParseError { HTTPParseError(400, "bad_request", message) }

    /// The error as an envelope response that closes the connection.
    public func response() -> HTTPResponse {
        var response = HTTPError(status: status, code: code, message: message).response()
        response.headers["Connection"] = "close"
        return response
    }
}
