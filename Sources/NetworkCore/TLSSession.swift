import COpenSSL

/// One connection's `SSL` object. Not thread-safe: the owning ``Channel`` calls it under its lock only.
final class TLSSession {
    /// The outcome of a non-blocking TLS operation.
    enum Progress {
        /// The operation completed (with a byte count for read and write).
        case done(Int)
        /// It needs the socket to become readable.
        case wantRead
        /// It needs the socket to become writable.
        case wantWrite
        /// The peer closed the TLS session cleanly.
        case closed
        /// A fatal error.
        case failed(String)
    }

    private let ssl: OpaquePointer
    private(set) var handshakeComplete = false

    init(ssl: OpaquePointer) { self.ssl = ssl }

    deinit { SSL_free(ssl) }

    private func progress(_ result: Int32) -> Progress {
        let error = SSL_get_error(ssl, result)
        switch error {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let message = TLSContext.lastErrorMessage()
            return message == "unknown error" ? .closed : .failed(message)
        default:
            return .failed(TLSContext.lastErrorMessage())
        }
    }

    func handshake() -> Progress {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            handshakeComplete = true
            return .done(0)
        }
        return progress(result)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Progress {
        ERR_clear_error()
        let result = SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count))
        return result > 0 ? .done(Int(result)) : progress(result)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Progress {
        guard !bytes.isEmpty else { return .done(0) }
        ERR_clear_error()
        let result = SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count))
        return result > 0 ? .done(Int(result)) : progress(result)
    }

    /// The common name of the peer's certificate when the peer presented one that verified against the
    /// configured trust roots (mutual TLS); nil otherwise.
    func peerCommonName() -> String? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard SSL_get_verify_result(ssl) == X509_V_OK, let subject = X509_get_subject_name(certificate) else { return nil }
        var buffer = [CChar](repeating: 0, count: 256)
        let length = X509_NAME_get_text_by_NID(subject, NID_commonName, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends close_notify (best effort).
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
    }
}
