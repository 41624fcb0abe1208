import CLinux
import Glibc

/// Where a service listens or a client connects: a Unix domain socket path or a TCP host and port.
///
/// Text forms: `unix:/path/to.sock` (or `unix:relative.sock`), `tcp://host:port`, `tcp://[::1]:port`,
/// and bare `host:port`, which means TCP.
public enum SocketAddress: Sendable, Hashable, CustomStringConvertible {
    case unix(path: String)
    case tcp(host: String, port: Int)

    /// Parses the text form.
    public init(parsing text: String) throws(NetworkError) {
        if text.hasPrefix("unix:") {
            var path = String(text.dropFirst(5))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty, path.utf8.count < Int(CLinux_sun_path_capacity()) else {
                throw .invalidAddress(text)
            }
            self = .unix(path: path)
            return
        }
        var rest = Substring(text)
        if rest.hasPrefix("tcp://") { rest = rest.dropFirst(6) }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw .invalidAddress(text) }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { throw .invalidAddress(text) }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw .invalidAddress(text) }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else {
            throw .invalidAddress(text)
        }
        self = .tcp(host: String(host), port: port)
    }

    public var description: String {
        switch self {
        case .unix(let path): return "unix:\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
        }
    }

    /// Whether this is a TCP address.
    public var isTCP: Bool {
        if case .tcp = self { return true }
        return false
    }

    /// Resolves to raw socket addresses (TCP may resolve to several).
    func resolve() throws(NetworkError) -> [ResolvedAddress] {
        switch self {
        case .unix(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                let utf8 = Array(path.utf8)
                raw.copyBytes(from: utf8.prefix(raw.count - 1))
            }
            return [ResolvedAddress(family: AF_UNIX, storage: address)]
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, String(port), &hints, &list)
            guard status == 0, let first = list else { throw .unresolvable(host) }
            defer { freeaddrinfo(list) }
            var result: [ResolvedAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let raw = entry.pointee.ai_addr {
                    var storage = sockaddr_storage()
                    withUnsafeMutableBytes(of: &storage) { target in
                        target.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: Int(entry.pointee.ai_addrlen)))
                    }
                    result.append(ResolvedAddress(family: entry.pointee.ai_family, storage: storage,
                                                  length: entry.pointee.ai_addrlen))
                }
                cursor = entry.pointee.ai_next
            }
            guard !result.isEmpty else { throw .unresolvable(host) }
            return result
        }
    }
}

/// A resolved `sockaddr` ready for `bind` or `connect`.
struct ResolvedAddress {
    var family: Int32
    var storage: sockaddr_storage
    var length: socklen_t

    init(family: Int32, storage: sockaddr_storage, length: socklen_t) {
        self.family = family
        self.storage = storage
        self.length = length
    }

    init(family: Int32, storage: sockaddr_un) {
        self.family = family
        var copy = sockaddr_storage()
        var source = storage
        withUnsafeMutableBytes(of: &copy) { target in
            withUnsafeBytes(of: &source) { target.copyMemory(from: $0) }
        }
        self.storage = copy
        self.length = socklen_t(MemoryLayout<sockaddr_un>.size)
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var copy = storage
        return withUnsafePointer(to: &copy) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
