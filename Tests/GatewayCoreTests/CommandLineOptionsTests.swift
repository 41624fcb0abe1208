import Foundation
import ServiceRuntime
import Testing

/// Settings from flags, the environment, and files named by `<VARIABLE>_FILE` (container secrets).
struct CommandLineOptionsTests {
    @Test func aVariableCanComeFromTheFileItsFILEVariableNames() throws {
        let path = NSTemporaryDirectory() + "secret-\(UUID().uuidString.prefix(8))"
        try "s3cr3t-value\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = CommandLineOptions(arguments: [], environment: ["JWT_SECRET_FILE": path, "RAG_SERVICE_ADDRESS_FILE": path])
        #expect(fromFile.value("jwt-secret", environment: "JWT_SECRET") == "s3cr3t-value", "the final newline is dropped")
        #expect(fromFile.values("rag-address", environment: "RAG_SERVICE_ADDRESS") == ["s3cr3t-value"])
        // The variable itself wins over its file, and a flag over both.
        let both = CommandLineOptions(arguments: [], environment: ["JWT_SECRET": "direct", "JWT_SECRET_FILE": path])
        #expect(both.value("jwt-secret", environment: "JWT_SECRET") == "direct")
        let flagged = CommandLineOptions(arguments: ["--jwt-secret", "flag"], environment: ["JWT_SECRET_FILE": path])
        #expect(flagged.value("jwt-secret", environment: "JWT_SECRET") == "flag")
        // A variable whose own name ends in _FILE is a path, not an indirection.
        let path2 = CommandLineOptions(arguments: [], environment: ["COMPANIES_CONFIG_FILE": "/etc/x.json"])
        #expect(path2.value("companies-file", environment: "COMPANIES_CONFIG_FILE") == "/etc/x.json")
        #expect(CommandLineOptions(arguments: [], environment: [:]).value("jwt-secret", environment: "JWT_SECRET") == nil)
    }
}
