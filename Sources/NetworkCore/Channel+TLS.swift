extension Channel {
    // MARK: TLS

    func writeTLS(_ bytes: UnsafeRawBufferPointer) -> Bool {
        enum Outcome { case ok, closed, overflow, failure(String?) }
        let outcome = writer.withLock { state -> Outcome in
            if state.closed || state.closeWhenFlushed { return .closed }
            guard admit(bytes.count, &state) else { return .overflow }
            state.appendPending(bytes)
            guard let tls = state.tls, tls.handshakeComplete else { return .ok }
            if state.waitingForWritable || state.tlsWriteWantsRead { return .ok }
            return .failure(Self.flushTLS(&state))
        }
        switch outcome {
        case .ok: return true
        case .closed: return false
        case .overflow:
            failFromAnyThread(.writeBufferFull)
            return false
        case .failure(let failure):
            if let failure {
                eventLoop.execute { [self] in finishTLSFlush(failure) }
                return failure.isEmpty
            }
            notifyIfDrained()
            return true
        }
    }

    /// Handles the result of ``flushTLS(_:)`` on the loop thread: nil continues, "" completes a
    /// close-after-flush, anything else is a TLS failure.
    func finishTLSFlush(_ failure: String?) {
        switch failure {
        case .none: notifyIfDrained()
        case .some(let message) where message.isEmpty: closeAfterFlushCompleted()
        case .some(let message): closeNow(error: NetworkError.tls(message))
        }
    }

    /// Writes pending plaintext through TLS. Returns nil to continue, "" when a close-after-flush has
    /// nothing left to send, or an error message.
    static func flushTLS(_ state: inout WriteState) -> String? {
        guard let tls = state.tls else { return nil }
        state.waitingForWritable = false
        state.tlsWriteWantsRead = false
        while state.pendingCount > 0 {
            let progress = state.pending.withUnsafeBytes { raw in
                tls.write(UnsafeRawBufferPointer(rebasing: raw[state.pendingOffset...]))
            }
            switch progress {
            case .done(let count):
                state.pendingOffset += count
                if state.pendingOffset == state.pending.count {
                    state.pending.removeAll(keepingCapacity: true)
                    state.pendingOffset = 0
                }
            case .wantWrite:
                state.waitingForWritable = true
                return nil
            case .wantRead:
                state.tlsWriteWantsRead = true
                return nil
            case .closed:
                return "peer closed the TLS session"
            case .failed(let message):
                return message
            }
        }
        return state.closeWhenFlushed ? "" : nil
    }

    /// Advances the handshake, reads everything available and flushes pending writes (loop thread).
    func driveTLS() {
        enum Result { case none, activated(String?), failed(String), closedByPeer, flushed }
        var received = false
        var drained = false
        let lingering = self.lingering
        let skipReading = readingPaused && !lingering
        let result = writer.withLock { state -> Result in
            guard let tls = state.tls, !state.closed else { return .none }
            var activated = false
            if !tls.handshakeComplete {
                switch tls.handshake() {
                case .done: activated = true
                case .wantRead, .wantWrite: return .none
                case .closed: return .closedByPeer
                case .failed(let message): return .failed("handshake failed: \(message)")
                }
            }
            if skipReading { drained = true }
            readLoop: for _ in 0..<(skipReading ? 0 : 64) {
                var progress = TLSSession.Progress.wantRead
                _ = inbound.writeWithUnsafeMutableBytes(minimumSpace: 16 * 1024) { raw in
                    progress = tls.read(into: raw)
                    if case .done(let count) = progress { return count }
                    return 0
                }
                switch progress {
                case .done:
                    received = true
                    if lingering { inbound.consume(inbound.readableBytes) }
                case .wantRead, .wantWrite:
                    drained = true
                    break readLoop
                case .closed: return .closedByPeer
                case .failed(let message): return .failed(message)
                }
            }
            if state.pendingCount > 0 || state.closeWhenFlushed {
                if let message = Self.flushTLS(&state) { return message.isEmpty ? .flushed : .failed(message) }
            }
            return activated ? .activated(tls.peerCommonName()) : .none
        }
        if case .activated(let name) = result {
            peerCertificateName = name
            activate()
        }
        if received && !lingering { handler?.channelRead(self, buffer: &inbound) }
        switch result {
        case .failed(let message): closeNow(error: NetworkError.tls(message))
        case .closedByPeer: closeNow(error: nil)
        case .flushed: closeAfterFlushCompleted()
        case .none, .activated:
            notifyIfDrained()
            // Records may still wait in the socket or inside OpenSSL; no new edge will announce them.
            if !drained && phase == .active { eventLoop.execute { [self] in if phase == .active { driveTLS() } } }
        }
    }
}
