import Foundation

/// One of the repository's Python test tools (`Tests/Browser`, `Tests/Tools`) run against a fixture: its
/// output goes to a file (a long report cannot fill a pipe and stall it), and the test waits for it without
/// blocking a thread.
enum PythonTool {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `python script arguments…` (the script relative to the repository), writing its output to `log`;
    /// the exit status and the output.
    static func run(python: String, script: String, arguments: [String], log: String) async throws -> (status: Int32, output: String) {
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: log).deletingLastPathComponent().path, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent(script).path] + arguments
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
