import Dispatch
import Foundation

/// Delivers Unix signals as an async sequence instead of running code in a signal handler.
///
/// The signals are ignored at the process level and observed through Dispatch sources, so the process
/// keeps running until the owner decides what to do.
public final class SignalWatcher: @unchecked Sendable {
    // The sources are set once in init and only cancelled in deinit; Dispatch sources are thread-safe.
    private let sources: [any DispatchSourceSignal]
    private let continuation: AsyncStream<Int32>.Continuation
    /// The signals, in the order they arrive. Iterate it from one task only.
    public let signals: AsyncStream<Int32>

    /// Starts watching `signals` (SIGTERM, SIGINT and SIGHUP by default).
    public init(_ watched: [Int32] = [SIGTERM, SIGINT, SIGHUP]) {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        signals = stream
        self.continuation = continuation
        var sources: [any DispatchSourceSignal] = []
        for number in watched {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Ends the ``signals`` sequence (its loop exits).
    public func finish() { continuation.finish() }

    deinit {
        for source in sources { source.cancel() }
    }

    /// A readable name for a signal number.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}
