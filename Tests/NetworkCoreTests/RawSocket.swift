import Foundation
import Glibc

/// A blocking client socket for tests that must behave unlike a good peer: never read, read late,
/// send without waiting.
final class RawSocket: @unchecked Sendable {
    // A blocking socket used by one thread at a time (the test hands it to one helper thread).
    let descriptor: Int32

    /// Connects to a Unix socket path or a TCP loopback port.
    init?(unixPath: String? = nil, port: Int? = nil, receiveTimeout: Double = 5) {
        if let unixPath {
            descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(unixPath.utf8).prefix(raw.count - 1)) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else { close(descriptor); return nil }
        } else if let port {
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else { close(descriptor); return nil }
        } else {
            return nil
        }
        var timeout = timeval(tv_sec: Int(receiveTimeout), tv_usec: Int((receiveTimeout - Double(Int(receiveTimeout))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Sends everything (blocking); false when the peer is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Reads until `count` bytes arrived, the peer closed, or the receive timeout passed.
    func receive(atLeast count: Int) -> (bytes: [UInt8], closed: Bool, reset: Bool) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < count {
            let received = recv(descriptor, &chunk, chunk.count, 0)
            if received > 0 {
                bytes.append(contentsOf: chunk[0..<received])
                continue
            }
            return (bytes, received == 0, received < 0 && errno == ECONNRESET)
        }
        return (bytes, false, false)
    }

    /// Reads until the peer closes (true) or the receive timeout passes (false).
    func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let received = recv(descriptor, &chunk, chunk.count, 0)
            if received > 0 { continue }
            return received == 0 || errno == ECONNRESET
        }
    }

    func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }
}
