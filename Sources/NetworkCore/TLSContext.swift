import COpenSSL
import COpenSSLShims

/// An OpenSSL `SSL_CTX` built from a ``TLSConfiguration``; shared by every connection that uses it.
public final class TLSContext: @unchecked Sendable {
    // SSL_CTX is internally reference-counted and safe to share once configured; this object only
    // creates sessions from it after initialization.
    let context: OpaquePointer
    /// Whether this context accepts (server) or initiates (client) connections.
    public let isServer: Bool
    /// Server only: whether clients must present a certificate signed by the trust roots.
    public let requiresClientCertificate: Bool
    let serverName: String?
    /// ALPN list kept alive for the server selection callback: one length byte, then the wire format.
    private let alpnList: UnsafeMutableBufferPointer<UInt8>?

    /// Creates a context. Fails with a readable message if a file cannot be loaded.
    public init(configuration: TLSConfiguration, isServer: Bool) throws(NetworkError) {
        guard let method = isServer ? TLS_server_method() : TLS_client_method(), let context = SSL_CTX_new(method) else {
            throw .tls("cannot create context: \(TLSContext.lastErrorMessage())")
        }
        self.context = context
        self.isServer = isServer
        self.requiresClientCertificate = isServer && configuration.requireClientCertificate
        self.serverName = configuration.serverName
        let minimum = configuration.minimumVersion == .tls13 ? COpenSSL_TLS1_3_VERSION() : COpenSSL_TLS1_2_VERSION()
        _ = COpenSSL_CTX_set_min_proto_version(context, minimum)
        _ = COpenSSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        var alpnWire: [UInt8] = []
        for name in configuration.applicationProtocols where !name.isEmpty && name.utf8.count < 256 {
            alpnWire.append(UInt8(name.utf8.count))
            alpnWire.append(contentsOf: name.utf8)
        }
        if !alpnWire.isEmpty && alpnWire.count < 256 {
            if isServer {
                let list = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: alpnWire.count + 1)
                list[0] = UInt8(alpnWire.count)
                _ = UnsafeMutableBufferPointer(rebasing: list[1...]).initialize(from: alpnWire)
                alpnList = list
                COpenSSL_CTX_set_alpn_protocols_server(context, list.baseAddress)
            } else {
                alpnList = nil
                _ = SSL_CTX_set_alpn_protos(context, alpnWire, UInt32(alpnWire.count))
            }
        } else {
            alpnList = nil
        }
        do {
            try configure(configuration)
        } catch {
            SSL_CTX_free(context)
            alpnList?.deallocate()
            throw error
        }
    }

    private func configure(_ configuration: TLSConfiguration) throws(NetworkError) {
        if let chain = configuration.certificateChainPath {
            guard SSL_CTX_use_certificate_chain_file(context, chain) == 1 else {
                throw .tls("cannot load certificate chain \(chain): \(TLSContext.lastErrorMessage())")
            }
            guard let key = configuration.privateKeyPath else { throw .tls("a certificate needs a private key") }
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                throw .tls("cannot load private key \(key): \(TLSContext.lastErrorMessage())")
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                throw .tls("private key does not match the certificate")
            }
        } else if isServer {
            throw .tls("a server needs a certificate chain")
        }
        if let roots = configuration.trustRootsPath {
            guard SSL_CTX_load_verify_locations(context, roots, nil) == 1 else {
                throw .tls("cannot load trust roots \(roots): \(TLSContext.lastErrorMessage())")
            }
        }
        if isServer {
            if configuration.requireClientCertificate {
                guard configuration.trustRootsPath != nil else {
                    throw .tls("requiring client certificates needs trust roots")
                }
                SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
            }
        } else if configuration.verifyPeer {
            if configuration.trustRootsPath == nil { _ = SSL_CTX_set_default_verify_paths(context) }
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        }
    }

    deinit {
        SSL_CTX_free(context)
        alpnList?.deallocate()
    }

    /// Creates the per-connection session for `fd`. A client context without its own server name verifies
    /// and sends (SNI) `peerHost`, the host it connects to.
    func makeSession(fd: Int32, peerHost: String? = nil) throws(NetworkError) -> TLSSession {
        guard let ssl = SSL_new(context) else { throw .tls("SSL_new: \(TLSContext.lastErrorMessage())") }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            throw .tls("SSL_set_fd: \(TLSContext.lastErrorMessage())")
        }
        if isServer {
            SSL_set_accept_state(ssl)
        } else {
            if let name = serverName ?? peerHost {
                _ = COpenSSL_set_tlsext_host_name(ssl, name)
                _ = SSL_set1_host(ssl, name)
            }
            SSL_set_connect_state(ssl)
        }
        return TLSSession(ssl: ssl)
    }

    /// Drains OpenSSL's error queue of the current thread into one message.
    static func lastErrorMessage() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown error" : messages.joined(separator: "; ")
    }
}
