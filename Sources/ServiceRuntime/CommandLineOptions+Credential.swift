import Foundation
import WireRPC

extension CommandLineOptions {
    /// The shared Wire service credential: the contents of `WIRE_SERVICE_CREDENTIAL_FILE`
    /// (`--service-credential-file`), else `WIRE_SERVICE_CREDENTIAL`; nil when neither is set.
    public func serviceCredential() throws(ConfigurationError) -> ServiceCredential? {
        var secret = value("service-credential", environment: "WIRE_SERVICE_CREDENTIAL")
        if let file = value("service-credential-file", environment: "WIRE_SERVICE_CREDENTIAL_FILE") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError("WIRE_SERVICE_CREDENTIAL_FILE: cannot read \(file)")
            }
            secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let secret else { return nil }
        guard let credential = ServiceCredential(secret: secret) else {
            throw ConfigurationError("the Wire service credential must be at least \(ServiceCredential.minimumSecretLength) bytes")
        }
        return credential
    }
}
