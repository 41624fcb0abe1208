import Foundation
import NetworkCore
import Synchronization

/// An HTTP/1.1 server (plain and TLS listeners side by side) on the project's event loops.
///
/// Keep-alive, pipelining with in-order responses, Content-Length and chunked bodies, `Expect:
/// 100-continue`, HEAD, a cached `Date` header, limits and timeouts from ``HTTPServerConfiguration``,
/// refusal of request-smuggling shapes, and graceful shutdown.
public final class HTTPServer: Sendable {
    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    private let group: EventLoopGroup
    private let listeners = LockedState<[Listener]>([])
    private let connections = LockedState<[ObjectIdentifier: HTTPConnectionHandler]>([:])
    private let draining = Atomic<Bool>(false)

    /// Creates a server on `group` (the process's shared loops by default); ``start()`` binds it.
    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, group: EventLoopGroup = .shared) {
        self.configuration = configuration
        self.responder = responder
        self.group = group
    }

    /// The bound addresses: plain first, then TLS (real ports for port 0).
    public var boundAddresses: (plain: [SocketAddress], tls: [SocketAddress]) {
        let all = listeners.withLock { $0 }
        let plainCount = configuration.plainAddresses.count
        return (all.prefix(plainCount).map(\.address), all.dropFirst(plainCount).map(\.address))
    }

    /// Binds every listener.
    public func start() async throws(NetworkError) {
        if !configuration.tlsAddresses.isEmpty && configuration.tls == nil {
            throw .tls("TLS listeners need a certificate and key")
        }
        var channelOptions = configuration.channelOptions
        channelOptions.handshakeTimeout = configuration.tlsHandshakeTimeout
        let options = Listener.Options(channel: channelOptions, onAcceptPause: configuration.onAcceptPause)
        for (address, tls) in configuration.plainAddresses.map({ ($0, nil as TLSContext?) })
            + configuration.tlsAddresses.map({ ($0, configuration.tls) }) {
            let isTLS = tls != nil
            let listener = try await Listener.bind(to: address, group: group, tls: tls, options: options) { [self] channel in
                HTTPConnectionHandler(server: self, channel: channel, isTLS: isTLS)
            }
            listeners.withLock { $0.append(listener) }
        }
    }

    /// Uses `context` for TLS connections accepted from now on (certificate reload); open ones keep theirs.
    public func updateTLS(_ context: TLSContext) {
        let tlsListeners = listeners.withLock { Array($0.dropFirst(configuration.plainAddresses.count)) }
        for listener in tlsListeners { listener.updateTLS(context) }
    }

    /// How many times accepting paused for lack of descriptors or memory, over every listener.
    public var acceptPauses: Int { listeners.withLock { $0.reduce(0) { $0 + $1.acceptPauses } } }

    /// The number of open connections (TLS handshakes in progress included).
    public var connectionCount: Int { connections.withLock { $0.count } }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Stops accepting, lets in-flight requests finish (closing their connections afterwards), closes idle
    /// connections, and after the grace period closes whatever is left.
    public func shutdownGracefully() async {
        guard !draining.exchange(true, ordering: .relaxed) else { return }
        for listener in listeners.withLock({ $0 }) { await listener.closeAndWait() }
        for connection in connections.withLock({ Array($0.values) }) { connection.drain() }
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while connectionCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in connections.withLock({ Array($0.values) }) { connection.forceClose() }
    }

    // MARK: Connections

    func connectionOpened(_ connection: HTTPConnectionHandler) -> Bool {
        connections.withLock { open in
            guard open.count < configuration.maximumConnections else { return false }
            open[ObjectIdentifier(connection)] = connection
            return true
        }
    }

    func connectionClosed(_ connection: HTTPConnectionHandler) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}
