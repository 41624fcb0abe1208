import Foundation

/// An error answered to the client in the product's envelope:
/// `{"status":"error","message":"…","error":{"code":"snake_case","message":"…","details":{…}}}`.
///
/// `message` is repeated at the top level for clients of the original system. Messages are written for
/// the caller: no stack traces, no internal addresses.
public struct HTTPError: Error, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    public var details: [String: JSONValue]
    public var headers: HTTPHeaders

    /// Creates an error.
    public init(status: Int, code: String, message: String, details: [String: JSONValue] = [:],
                headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    /// The response carrying this error.
    public func response() -> HTTPResponse {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if !details.isEmpty { error["details"] = .object(details) }
        let body: JSONValue = .object(["status": .string("error"), "message": .string(message), "error": .object(error)])
        return .json(status, body.serialized(), headers: headers)
    }

    // MARK: Common errors

    public static func notFound(_ message: String = "The requested resource does not exist.") -> HTTPError {
        HTTPError(status: 404, code: "not_found", message: message)
    }
    public static func internalError() -> HTTPError {
        HTTPError(status: 500, code: "internal_error", message: "An unexpected error occurred.")
    }
}
