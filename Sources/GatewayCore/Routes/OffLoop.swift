import HTTPServerCore

/// Runs request work whose cost grows with the body (decoding a large JSON or multipart body) on the
/// global concurrent executor instead of the connection's event loop, so one large upload cannot stall
/// the other connections of its loop. Small bodies are handled in place (the hop would cost more).
func offEventLoop<T: Sendable>(bodyBytes: Int, _ body: @escaping @Sendable () throws(HTTPError) -> T) async throws(HTTPError) -> T {
    guard bodyBytes > 64 * 1024 else { return try body() }
    let result: Result<T, HTTPError> = await withTaskExecutorPreference(globalConcurrentExecutor) {
        do throws(HTTPError) {
            return .success(try body())
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
