import BlockingIO
import NetworkCore

/// Where a method's handler runs. Every method states it when it is registered:
///
/// * ``eventLoop`` — on the thread of the call's connection: no hop between reading the request and
///   writing the answer, and answers of one loop iteration leave in one `send`. Only for handlers that are
///   short (microseconds) and never block: health, echo, lookups in memory.
/// * ``cooperative`` — on Swift's global executor: handlers that await other services or actors, or compute
///   for a while but never block a thread.
/// * ``blocking(_:)`` — on a ``BlockingIOPool``'s dedicated threads: handlers that call blocking C code or do
///   heavy CPU work in one stretch (SQLite, libpq, OCR, scoring a large index).
public enum HandlerExecution: Sendable {
    case eventLoop
    case cooperative
    case blocking(BlockingIOPool)
}
