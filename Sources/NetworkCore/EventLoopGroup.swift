import Glibc
import Synchronization

/// A fixed set of event loops; connections are spread over them round-robin.
public final class EventLoopGroup: Sendable {
    /// The loops.
    public let loops: [EventLoop]
    private let counter = Atomic<Int>(0)

    /// Creates `count` loops (at least one).
    public init(loopCount count: Int, name: String = "loop") throws(NetworkError) {
        signal(SIGPIPE, SIG_IGN)  // writes to closed sockets must fail with EPIPE, not kill the process
        var loops: [EventLoop] = []
        for index in 0..<max(1, count) { loops.append(try EventLoop(name: "\(name)-\(index)")) }
        self.loops = loops
    }

    /// The next loop in round-robin order.
    public func next() -> EventLoop {
        let index = counter.add(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// Stops every loop.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }

    /// A process-wide group with one loop per core (at most 4), created on first use.
    public static let shared: EventLoopGroup = {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        do {
            return try EventLoopGroup(loopCount: min(4, max(1, cores)), name: "shared-loop")
        } catch {
            fatalError("cannot create the shared event loop group: \(error)")
        }
    }()
}
