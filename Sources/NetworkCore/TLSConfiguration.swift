/// TLS settings for a listener or a client, all read from PEM files.
public struct TLSConfiguration: Sendable, Equatable {
    /// The lowest protocol version accepted.
    public enum Version: Sendable, Equatable {
        case tls12, tls13
    }

    /// The certificate chain presented to the peer (server: required; client: for mutual TLS).
    public var certificateChainPath: String?
    /// The private key of that certificate.
    public var privateKeyPath: String?
    /// CA certificates that peers must chain to. A client verifies the server with them; a server that
    /// has them and `requireClientCertificate` demands a client certificate signed by them (mutual TLS).
    public var trustRootsPath: String?
    /// Server only: refuse clients that do not present a certificate signed by `trustRootsPath`.
    public var requireClientCertificate: Bool
    /// Client only: the name expected in the server's certificate (also sent as SNI).
    public var serverName: String?
    /// Client only: verify the server's certificate (disable only in tests).
    public var verifyPeer: Bool
    /// The lowest protocol version; TLS 1.2 by default.
    public var minimumVersion: Version
    /// ALPN protocols offered (client) or accepted (server), in preference order.
    public var applicationProtocols: [String]

    /// Settings for a server presenting `certificateChainPath`.
    public static func server(
        certificateChainPath: String, privateKeyPath: String, trustRootsPath: String? = nil,
        requireClientCertificate: Bool = false, applicationProtocols: [String] = []
    ) -> TLSConfiguration {
        TLSConfiguration(
            certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath, trustRootsPath: trustRootsPath,
            requireClientCertificate: requireClientCertificate, serverName: nil, verifyPeer: true,
            minimumVersion: .tls12, applicationProtocols: applicationProtocols)
    }

    /// Settings for a client trusting `trustRootsPath`, optionally presenting a client certificate.
    public static func client(
        trustRootsPath: String?, serverName: String? = nil, certificateChainPath: String? = nil,
        privateKeyPath: String? = nil, verifyPeer: Bool = true, applicationProtocols: [String] = []
    ) -> TLSConfiguration {
        TLSConfiguration(
            certificateChainPath: certificateChainPath, privateKeyPath: privateKeyPath, trustRootsPath: trustRootsPath,
            requireClientCertificate: false, serverName: serverName, verifyPeer: verifyPeer,
            minimumVersion: .tls12, applicationProtocols: applicationProtocols)
    }
}
