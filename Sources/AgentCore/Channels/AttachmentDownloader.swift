import Foundation
import HTTPClient
import ServiceLogging

/// Fetches a Chatwoot attachment (`data_url`) for a company without letting a payload aim the service
/// elsewhere: only the company's configured Chatwoot origin (scheme, host and port), redirects only within
/// it, the body streamed up to the limit and cut there, a time limit on the whole. Loopback, private,
/// link-local and metadata addresses are refused (after name resolution, on every connection) unless they
/// are that configured origin. Every refusal is logged with its reason, never with the token.
public struct AttachmentDownloader: Sendable {
    let client: HTTPClient
    let timeout: Duration
    let logger: Logger

    /// Why an attachment was not fetched.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: String, Sendable, Equatable {
            /// Not the company's Chatwoot, or a scheme, address or redirect target it may not go to.
            case destinationNotAllowed = "destination_not_allowed"
            /// Over the size limit (the transfer was cut there).
            case tooLarge = "too_large"
            /// The company has no Chatwoot base URL to compare with.
            case notConfigured = "not_configured"
            /// Chatwoot did not answer in time, or answered with an error.
            case failed
        }

        public var kind: Kind
        public var message: String
        public var description: String { "\(kind.rawValue): \(message)" }
    }

    public init(client: HTTPClient, timeout: Duration = .seconds(20), logger: Logger) {
        self.client = client
        self.timeout = timeout
        self.logger = logger
    }

    /// The attachment's bytes, at most `maximumBytes`.
    public func download(_ dataURL: String, chatwootBaseURL: String?, maximumBytes: Int, company: String) async throws(Refusal) -> [UInt8] {
        guard let base = chatwootBaseURL, let origin = Origin(url: base) else {
            throw refuse(.notConfigured, "the company has no Chatwoot base URL", company: company)
        }
        let request = HTTPClientRequest(url: dataURL, timeout: timeout, connectTimeout: .seconds(5), maximumResponseBytes: maximumBytes,
                                        maximumRedirects: 3)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, policy: .only(origin))
        } catch {
            switch error.kind {
            case .destinationNotAllowed, .invalidURL, .redirect:
                throw refuse(.destinationNotAllowed, error.message, company: company)
            case .responseTooLarge:
                throw refuse(.tooLarge, "the attachment is larger than \(maximumBytes) bytes", company: company)
            default:
                throw refuse(.failed, error.message, company: company)
            }
        }
        guard (200..<300).contains(response.status) else {
            throw refuse(.failed, "Chatwoot answered \(response.status) for the attachment", company: company)
        }
        return response.body
    }

    private func refuse(_ kind: Refusal.Kind, _ message: String, company: String) -> Refusal {
        logger.warning("[\(company)] [attachments] download refused (\(kind.rawValue)): \(message)")
        return Refusal(kind: kind, message: message)
    }
}
