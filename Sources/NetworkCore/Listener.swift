import CLinux
import Glibc
import Synchronization

/// A listening socket on one event loop that accepts connections and spreads them over a group.
public final class Listener: Selectable, @unchecked Sendable {
    /// Creates the handler for a newly accepted channel (called on the channel's loop).
    public typealias HandlerFactory = @Sendable (Channel) -> any ChannelHandler

    /// The address listened on (with the real port when port 0 was requested).
    public let address: SocketAddress
    private let descriptor: Int32
    private let group: EventLoopGroup
    private let loop: EventLoop
    private let makeHandler: HandlerFactory
    private let tls: Mutex<TLSContext?>
    private let closed = Atomic<Bool>(false)
    private var registrationID: UInt64 = 0

    private init(
        address: SocketAddress, descriptor: Int32, group: EventLoopGroup, tls: TLSContext?,
        makeHandler: @escaping HandlerFactory
    ) {
        self.address = address
        self.descriptor = descriptor
        self.group = group
        self.loop = group.next()
        self.tls = Mutex(tls)
        self.makeHandler = makeHandler
    }

    /// Binds `address` and starts accepting. For TCP port 0 the chosen port is in ``address``.
    public static func bind(
        to address: SocketAddress, group: EventLoopGroup, tls: TLSContext? = nil,
        makeHandler: @escaping HandlerFactory
    ) async throws(NetworkError) -> Listener {
        let descriptor = try Socket.listen(on: address)
        var bound = address
        if case .tcp(let host, _) = address, let port = Socket.localPort(descriptor) { bound = .tcp(host: host, port: port) }
        let listener = Listener(address: bound, descriptor: descriptor, group: group, tls: tls, makeHandler: makeHandler)
        let result: Result<Void, NetworkError> = await withCheckedContinuation { continuation in
            listener.loop.execute {
                do {
                    listener.registrationID = try listener.loop.registerListener(listener, fd: descriptor)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error as? NetworkError ?? .closed))
                }
            }
        }
        if case .failure(let error) = result {
            Glibc.close(descriptor)
            throw error
        }
        return listener
    }

    /// Replaces the TLS context used for connections accepted from now on (certificate reload).
    public func updateTLS(_ context: TLSContext) { tls.withLock { $0 = context } }

    /// Stops accepting and closes the socket (a Unix socket's file is removed). Safe from any thread.
    public func close() {
        loop.execute { [self] in closeNow() }
    }

    func closeNow() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        loop.deregister(id: registrationID, fd: descriptor)
        Glibc.close(descriptor)
        if case .unix(let path) = address { unlink(path) }
    }

    func handleEvents(_ events: UInt32) {
        guard !closed.load(ordering: .relaxed) else { return }
        for _ in 0..<128 {
            var peerAddress = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &peerAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    CLinux_accept_nonblocking(descriptor, $0, &peerLength)
                }
            }
            if fd < 0 {
                let code = errno
                if code == EINTR || code == ECONNABORTED { continue }
                // EAGAIN: drained. EMFILE/ENFILE: out of descriptors; try again on the next event.
                return
            }
            if case .tcp = address { Socket.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1) }
            let context = tls.withLock { $0 }
            let session: TLSSession?
            do {
                session = try context?.makeSession(fd: fd)
            } catch {
                Glibc.close(fd)
                continue
            }
            let target = group.next()
            let channel = Channel(descriptor: fd, eventLoop: target, tls: session, phase: .handshaking,
                                  peer: Socket.describe(peerAddress))
            let makeHandler = self.makeHandler
            if target === loop {
                channel.startAccepted(handler: makeHandler(channel))
            } else {
                target.execute { channel.startAccepted(handler: makeHandler(channel)) }
            }
        }
    }
}
