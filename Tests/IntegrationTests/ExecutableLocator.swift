import Foundation

/// Finds the project's built executables for tests that run them as real processes.
///
/// `SERVICE_BIN_DIR` wins; otherwise the debug build folder next to this package. A missing executable
/// is a test failure (the test command builds everything first), never a skip.
enum ExecutableLocator {
    static var binDirectory: URL {
        if let directory = ProcessInfo.processInfo.environment["SERVICE_BIN_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    /// The repository root (for the shipped `config/` files).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func url(_ name: String) throws -> URL {
        let url = binDirectory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw LocatorError(message: "\(url.path) is missing: run `swift build` before the tests")
        }
        return url
    }

    struct LocatorError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
