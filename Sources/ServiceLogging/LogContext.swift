/// The request a task is working for, carried by the task tree (`@TaskLocal`, not global state): the Wire server
/// binds it around each call's handler, so every line logged while answering — by any logger, in any child task —
/// names the request and the company, and the calls the handler makes to other services carry the same request id.
public enum LogContext {
    @TaskLocal public static var requestID: String?
    @TaskLocal public static var company: String?

    /// Runs `body` with `requestID` and `company` bound (nil values leave the current ones).
    public static func with<T>(requestID: String?, company: String?, _ body: () async throws -> T) async rethrows -> T {
        try await $requestID.withValue(requestID ?? self.requestID) {
            try await $company.withValue(company ?? self.company) { try await body() }
        }
    }
}
