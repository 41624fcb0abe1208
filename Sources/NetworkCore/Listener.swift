import CLinux
import Glibc
import Synchronization

/// A listening socket on one event loop that accepts connections and spreads them over a group.
///
/// When the process runs out of descriptors (`EMFILE`, `ENFILE`) or kernel memory (`ENOBUFS`, `ENOMEM`),
/// the listener stops watching its socket and tries again after a pause that doubles from 10 ms to 1 s,
/// instead of spinning on a level-triggered readiness it cannot act on. Unix-socket peers that do not
/// run as this process's user (`SO_PEERCRED`) are refused when ``Options/sameUserOnly`` is set.
public final class Listener: Selectable, @unchecked Sendable {
    /// Creates the handler for a newly accepted channel (called on the channel's loop).
    public typealias HandlerFactory = @Sendable (Channel) -> any ChannelHandler

    /// How accepted connections are set up.
    public struct Options: Sendable {
        /// Limits of each accepted channel (write buffer, TLS handshake deadline).
        public var channel: ChannelOptions
        /// Unix sockets: accept only peers running as this process's effective user (or root).
        public var sameUserOnly: Bool
        /// Unix sockets: the socket file's permission bits.
        public var unixSocketMode: mode_t
        /// Called (on the loop thread) when accepting fails for lack of resources, with the errno and
        /// the pause before the next try.
        public var onAcceptPause: (@Sendable (Int32, Duration) -> Void)?

        public init(channel: ChannelOptions = ChannelOptions(), sameUserOnly: Bool = true, unixSocketMode: mode_t = 0o660,
                    onAcceptPause: (@Sendable (Int32, Duration) -> Void)? = nil) {
            self.channel = channel
            self.sameUserOnly = sameUserOnly
            self.unixSocketMode = unixSocketMode
            self.onAcceptPause = onAcceptPause
        }
    }

    /// The address listened on (with the real port when port 0 was requested).
    public let address: SocketAddress
    private let descriptor: Int32
    private let group: EventLoopGroup
    private let loop: EventLoop
    private let makeHandler: HandlerFactory
    private let options: Options
    private let tls: Mutex<TLSContext?>
    private let closed = Atomic<Bool>(false)
    private let paused = Atomic<Int>(0)
    // Loop-thread state.
    private var registrationID: UInt64 = 0
    private var backoff: Duration = .milliseconds(10)

    private init(
        address: SocketAddress, descriptor: Int32, group: EventLoopGroup, tls: TLSContext?, options: Options,
        makeHandler: @escaping HandlerFactory
    ) {
        self.address = address
        self.descriptor = descriptor
        self.group = group
        self.loop = group.next()
        self.tls = Mutex(tls)
        self.options = options
        self.makeHandler = makeHandler
    }

    /// Binds `address` and starts accepting. For TCP port 0 the chosen port is in ``address``.
    public static func bind(
        to address: SocketAddress, group: EventLoopGroup, tls: TLSContext? = nil, options: Options = Options(),
        makeHandler: @escaping HandlerFactory
    ) async throws(NetworkError) -> Listener {
        let descriptor = try Socket.listen(on: address)
        var bound = address
        if case .tcp(let host, _) = address, let port = Socket.localPort(descriptor) { bound = .tcp(host: host, port: port) }
        if case .unix(let path) = address { chmod(path, options.unixSocketMode) }
        let listener = Listener(address: bound, descriptor: descriptor, group: group, tls: tls, options: options,
                                makeHandler: makeHandler)
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

    /// How many times accepting paused for lack of resources.
    public var acceptPauses: Int { paused.load(ordering: .relaxed) }

    /// Stops accepting and closes the socket (a Unix socket's file is removed). Safe from any thread.
    public func close() {
        loop.execute { [self] in closeNow() }
    }

    /// Stops accepting, closes the socket, and returns once that is done (a Unix socket's file is gone, so
    /// a new listener may bind the same path).
    public func closeAndWait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute { [self] in
                closeNow()
                continuation.resume()
            }
        }
    }

    func closeNow() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        if registrationID != 0 { loop.deregister(id: registrationID, fd: descriptor) }
        registrationID = 0
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
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM { pause(code) }
                return  // EAGAIN: drained
            }
            backoff = .milliseconds(10)
            let isUnix = !address.isTCP
            if isUnix {
                if options.sameUserOnly && !Socket.peerIsSameUser(fd) {
                    Glibc.close(fd)
                    continue
                }
            } else {
                Socket.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            }
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
                                  peer: Socket.describe(peerAddress), isUnixSocket: isUnix, options: options.channel)
            let makeHandler = self.makeHandler
            if target === loop {
                channel.startAccepted(handler: makeHandler(channel))
            } else {
                target.execute { channel.startAccepted(handler: makeHandler(channel)) }
            }
        }
    }

    /// Stops watching the socket for `backoff`, then watches it again (doubling the pause up to 1 s).
    private func pause(_ code: Int32) {
        guard registrationID != 0 else { return }
        loop.deregister(id: registrationID, fd: descriptor)
        registrationID = 0
        paused.add(1, ordering: .relaxed)
        let delay = backoff
        backoff = min(backoff * 2, .seconds(1))
        options.onAcceptPause?(code, delay)
        loop.schedule(after: delay) { [self] in
            guard !closed.load(ordering: .relaxed), registrationID == 0 else { return }
            do {
                registrationID = try loop.registerListener(self, fd: descriptor)
            } catch {
                // Could not watch the socket again (out of memory): try later.
                pause(ENOMEM)
            }
        }
    }
}
