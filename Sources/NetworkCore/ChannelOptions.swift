/// Per-connection limits of a ``Channel``.
public struct ChannelOptions: Sendable, Equatable {
    /// Pending output above which the channel reports itself not writable (``Channel/isWritable``) and
    /// ``Channel/waitUntilWritable(deadline:)`` waits. 1 MiB.
    public var writeBufferHighWaterMark: Int
    /// Pending output at or below which a not-writable channel becomes writable again. 256 KiB.
    public var writeBufferLowWaterMark: Int
    /// The most output a channel holds for a peer that does not read: a write that would take the pending
    /// output beyond it closes the channel (``NetworkError/writeBufferFull``); a single write into an empty
    /// buffer always fits. 64 MiB.
    public var maximumPendingWriteBytes: Int
    /// The longest a TLS handshake of an accepted connection may take. 10 s.
    public var handshakeTimeout: Duration

    public init(writeBufferHighWaterMark: Int = 1 << 20, writeBufferLowWaterMark: Int = 256 << 10,
                maximumPendingWriteBytes: Int = 64 << 20, handshakeTimeout: Duration = .seconds(10)) {
        self.writeBufferHighWaterMark = max(1, writeBufferHighWaterMark)
        self.writeBufferLowWaterMark = min(max(0, writeBufferLowWaterMark), self.writeBufferHighWaterMark)
        self.maximumPendingWriteBytes = max(self.writeBufferHighWaterMark, maximumPendingWriteBytes)
        self.handshakeTimeout = handshakeTimeout
    }
}

/// The outcome of waiting for a channel to drain its output.
public enum WritabilityWait: Sendable, Equatable {
    /// The pending output is at or below the low-water mark.
    case writable
    /// The channel closed.
    case closed
    /// The deadline passed first.
    case timedOut
    /// The waiting task was cancelled.
    case cancelled
}
