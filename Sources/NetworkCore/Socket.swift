import CLinux
import Glibc

/// Thin, non-blocking wrappers over the socket system calls.
enum Socket {
    /// Creates a non-blocking, close-on-exec stream socket.
    static func makeStream(family: Int32) throws(NetworkError) -> Int32 {
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io(.last("socket")) }
        return fd
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Binds and listens. For Unix sockets a stale socket file is removed first.
    static func listen(on address: SocketAddress, backlog: Int32 = 1024) throws(NetworkError) -> Int32 {
        let resolved = try address.resolve()
        var lastError = NetworkError.invalidAddress(address.description)
        for candidate in resolved {
            let fd = try makeStream(family: candidate.family)
            if case .unix(let path) = address {
                unlink(path)
            } else {
                setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            }
            let bound = candidate.withSockAddr { Glibc.bind(fd, $0, $1) }
            guard bound == 0 else {
                lastError = .io(.last("bind", detail: address.description))
                Glibc.close(fd)
                continue
            }
            guard Glibc.listen(fd, backlog) == 0 else {
                lastError = .io(.last("listen", detail: address.description))
                Glibc.close(fd)
                continue
            }
            return fd
        }
        throw lastError
    }

    /// The port a TCP socket is bound to (useful after binding port 0).
    static func localPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
        default:
            return nil
        }
    }

    /// `ip:port` (`[ip]:port` for IPv6) of an accepted peer, or `unix` for Unix sockets.
    static func describe(_ storage: sockaddr_storage) -> String {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                    return "\(cString(text)):\(UInt16(bigEndian: address.pointee.sin_port))"
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
                    return "[\(cString(text))]:\(UInt16(bigEndian: address.pointee.sin6_port))"
                }
            }
        default:
            return "unix"
        }
    }

    private static func cString(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts a non-blocking connect. Returns the socket and whether the connect already completed.
    static func startConnect(to candidate: ResolvedAddress) throws(NetworkError) -> (fd: Int32, connected: Bool) {
        let fd = try makeStream(family: candidate.family)
        if candidate.family != AF_UNIX { setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1) }
        let result = candidate.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result == 0 { return (fd, true) }
        let code = errno
        if code == EINPROGRESS || code == EAGAIN { return (fd, false) }
        Glibc.close(fd)
        throw .io(IOError("connect", code: code))
    }

    /// Whether the peer of a connected Unix socket runs as this process's effective user (or as root).
    static func peerIsSameUser(_ fd: Int32) -> Bool {
        var uid: UInt32 = 0
        guard CLinux_peer_uid(fd, &uid) == 0 else { return false }
        return uid == geteuid() || uid == 0
    }

    /// The pending error of a socket (after a non-blocking connect completes).
    static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length)
        return value
    }
}
