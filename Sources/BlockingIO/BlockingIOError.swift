/// Why a job on a ``BlockingIOPool`` did not produce its result.
public enum BlockingIOError<Failure: Error>: Error, CustomStringConvertible {
    /// The calling task was cancelled, before the job started or while it ran (its result is dropped).
    case cancelled
    /// The job's time limit passed (its result, if it still comes, is dropped).
    case timedOut
    /// The pool did not take the job: its queue is full or it is shutting down.
    case rejected(String)
    /// The job itself threw.
    case failed(Failure)

    public var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .timedOut: return "timed out"
        case .rejected(let reason): return "rejected: \(reason)"
        case .failed(let error): return "\(error)"
        }
    }
}
