/// When a request is tried again: which failures, how many times, how long to wait.
///
/// The wait doubles from `initialBackoff` up to `maximumBackoff`, with ±20% jitter; a `Retry-After`
/// header (seconds or an HTTP date) on a 429 or 503 replaces it when shorter than `maximumRetryAfter`,
/// and ends the retries when longer.
public struct HTTPRetryPolicy: Sendable, Equatable {
    /// Attempts in all (1 = no retry).
    public var maximumAttempts: Int
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// Response statuses worth another attempt.
    public var retryStatuses: Set<Int>
    /// Whether connection failures and timeouts are retried (only safe for idempotent requests).
    public var retryConnectionFailures: Bool
    /// The longest `Retry-After` honoured.
    public var maximumRetryAfter: Duration

    public init(maximumAttempts: Int, initialBackoff: Duration = .milliseconds(200), maximumBackoff: Duration = .seconds(5),
                retryStatuses: Set<Int> = [429, 500, 502, 503, 504], retryConnectionFailures: Bool = true,
                maximumRetryAfter: Duration = .seconds(30)) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.retryStatuses = retryStatuses
        self.retryConnectionFailures = retryConnectionFailures
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// One attempt only.
    public static let none = HTTPRetryPolicy(maximumAttempts: 1)

    /// Three attempts for idempotent calls to an API (embeddings, transcription, chat completions).
    public static let standard = HTTPRetryPolicy(maximumAttempts: 3)
}
