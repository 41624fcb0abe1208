import Glibc

extension Channel {
    // MARK: Closing (any thread)

    /// Closes the channel; pending writes are discarded. Safe from any thread.
    public func close() {
        eventLoop.execute { [self] in closeNow(error: nil) }
    }

    /// Closes the channel once everything written so far has been sent. Safe from any thread.
    ///
    /// With `linger`, the close is a lingering one: after the last byte the channel half-closes (a TLS
    /// `close_notify`, then FIN), reads and discards whatever the peer still sends until it closes its side
    /// or `linger` passes, and only then closes. Closing with unread input would make the kernel send a
    /// reset, which can destroy the answer before the peer reads it (an error sent to a client that is
    /// still uploading, for example).
    public func closeAfterFlush(linger: Duration? = nil) {
        let flushed = writer.withLock { state -> Bool in
            state.closeWhenFlushed = true
            if state.lingerAfterFlush == nil { state.lingerAfterFlush = linger }
            return state.pendingCount == 0 && !state.flushing
        }
        if flushed { eventLoop.execute { [self] in closeAfterFlushCompleted() } }
    }

    /// Everything was sent after ``closeAfterFlush(linger:)`` (loop thread): close or start lingering.
    func closeAfterFlushCompleted() {
        guard phase != .closed, !lingering else { return }
        guard let linger = writer.withLock({ $0.lingerAfterFlush }), phase == .active else {
            closeNow(error: nil)
            return
        }
        lingering = true
        writer.withLock { state in
            if let tls = state.tls, tls.handshakeComplete { tls.shutdown() }
        }
        _ = Glibc.shutdown(descriptor, Int32(SHUT_WR))
        inbound.consume(inbound.readableBytes)
        if inputEnded {
            closeNow(error: nil)
            return
        }
        lingerTimer = eventLoop.schedule(after: linger) { [self] in closeNow(error: nil) }
        // Drain what already arrived; the end of the peer's stream then closes the channel.
        if isTLS { driveTLS() } else { readPlain() }
    }

    // MARK: Closing (loop thread)

    func closeNow(error: (any Error)?) {
        guard phase != .closed else { return }
        let wasConnecting = phase == .connecting || phase == .handshaking
        phase = .closed
        connectTimer?.cancel()
        connectTimer = nil
        lingerTimer?.cancel()
        lingerTimer = nil
        if registrationID != 0 { eventLoop.deregister(id: registrationID, fd: descriptor) }
        let (closeDescriptor, waiters) = writer.withLock { state -> (Bool, [CheckedContinuation<WritabilityWait, Never>]) in
            state.closed = true
            state.pending = []
            state.pendingOffset = 0
            let waiters = Array(state.writabilityWaiters.values)
            state.writabilityWaiters.removeAll()
            if let tls = state.tls, tls.handshakeComplete, error == nil, !lingering { tls.shutdown() }
            if state.flushing || state.descriptorClosed { return (false, waiters) }
            state.descriptorClosed = true
            return (true, waiters)
        }
        if closeDescriptor { Glibc.close(descriptor) }
        for waiter in waiters { waiter.resume(returning: .closed) }
        if let continuation = connectContinuation {
            connectContinuation = nil
            continuation.resume(throwing: error ?? NetworkError.closed)
        }
        let handler = self.handler
        self.handler = nil
        if !wasConnecting || handler != nil { handler?.channelInactive(self, error: error) }
    }
}
