import Glibc

extension Channel {
    // MARK: Writing (any thread)

    /// Queues `bytes` for sending; returns false if the channel is closed, or if the bytes would take its
    /// pending output past ``ChannelOptions/maximumPendingWriteBytes`` (the channel then closes with
    /// ``NetworkError/writeBufferFull``). Safe from any thread.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Queues `bytes` for sending (see ``write(_:)-[UInt8]``). Safe from any thread.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !bytes.isEmpty else { return isOpen }
        if eventLoop.inEventLoop { return writeDeferred(bytes) }
        if isTLS { return writeTLS(bytes) }
        enum Action { case closed, overflow, queued, send }
        let action = writer.withLock { state -> Action in
            if state.closed || state.closeWhenFlushed { return .closed }
            if state.flushing || state.waitingForWritable || state.pendingCount > 0 {
                guard admit(bytes.count, &state) else { return .overflow }
                state.appendPending(bytes)
                return .queued
            }
            state.flushing = true
            return .send
        }
        switch action {
        case .closed: return false
        case .overflow:
            failFromAnyThread(.writeBufferFull)
            return false
        case .queued: return true
        case .send:
            switch sendAll(bytes) {
            case .complete:
                break
            case .blocked(let sent):
                let remainder = Array(bytes[sent...])
                let admitted = writer.withLock { state -> Bool in
                    guard admit(remainder.count, &state) else { return false }
                    state.prependPending(remainder[...])
                    return true
                }
                if !admitted {
                    writer.withLock { $0.flushing = false }
                    failFromAnyThread(.writeBufferFull)
                    return false
                }
            case .failed(let error):
                writer.withLock { $0.flushing = false }
                failFromAnyThread(.io(error))
                return false
            }
            continueFlushing()
            return true
        }
    }

    /// Whether `count` more pending bytes fit (one write of any size fits an empty buffer: the limit is on
    /// what accumulates for a peer that does not read); marks the channel not writable above the high-water mark.
    func admit(_ count: Int, _ state: inout WriteState) -> Bool {
        let total = state.pendingCount + count
        guard total <= options.maximumPendingWriteBytes || state.pendingCount == 0 else { return false }
        if total > options.writeBufferHighWaterMark { state.aboveHighWater = true }
        return true
    }

    /// Waits until the pending output is at or below the low-water mark (at once when the channel is
    /// writable), the channel closes, `deadline` (a ``MonotonicTime`` value) passes, or the task is cancelled.
    public func waitUntilWritable(deadline: UInt64? = nil) async -> WritabilityWait {
        let id = writer.withLock { state -> UInt64 in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        var timer: ScheduledTask?
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WritabilityWait, Never>) in
                let immediate = writer.withLock { state -> WritabilityWait? in
                    if state.closed { return .closed }
                    if !state.aboveHighWater { return .writable }
                    if Task.isCancelled { return .cancelled }
                    state.writabilityWaiters[id] = continuation
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                } else if let deadline {
                    timer = eventLoop.schedule(atNanoseconds: deadline) { [self] in resumeWaiter(id, with: .timedOut) }
                }
            }
        } onCancel: {
            resumeWaiter(id, with: .cancelled)
        }
        timer?.cancel()
        return result
    }

    private func resumeWaiter(_ id: UInt64, with result: WritabilityWait) {
        writer.withLock { $0.writabilityWaiters.removeValue(forKey: id) }?.resume(returning: result)
    }

    /// After output drained: if it had been above the high-water mark and is now at or below the low one,
    /// wakes the waiters and tells the handler.
    func notifyIfDrained() {
        let waiters = writer.withLock { state -> [CheckedContinuation<WritabilityWait, Never>]? in
            guard state.aboveHighWater, state.pendingCount <= options.writeBufferLowWaterMark else { return nil }
            state.aboveHighWater = false
            defer { state.writabilityWaiters.removeAll() }
            return Array(state.writabilityWaiters.values)
        }
        guard let waiters else { return }
        for waiter in waiters { waiter.resume(returning: .writable) }
        eventLoop.execute { [self] in if phase == .active { handler?.channelWritabilityChanged(self) } }
    }

    func writableEdge() {
        let flush = writer.withLock { state -> Bool in
            if state.flushing {
                state.writableEdgeSeen = true
                return false
            }
            guard state.waitingForWritable || state.pendingCount > 0 else { return false }
            state.waitingForWritable = false
            state.flushing = true
            return true
        }
        if flush { continueFlushing() }
    }

    // MARK: Plain writes

    enum SendResult {
        case complete
        case blocked(sent: Int)
        case failed(IOError)
    }

    func sendAll(_ bytes: UnsafeRawBufferPointer) -> SendResult {
        guard let base = bytes.baseAddress else { return .complete }
        var offset = 0
        while offset < bytes.count {
            let sent = Glibc.send(descriptor, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent > 0 {
                offset += sent
                continue
            }
            let code = errno
            if sent < 0 && code == EINTR { continue }
            if sent < 0 && (code == EAGAIN || code == EWOULDBLOCK) { return .blocked(sent: offset) }
            return .failed(IOError("send", code: code))
        }
        return .complete
    }

    /// Drains the pending buffer. Called only by the thread that holds the `flushing` role.
    func continueFlushing() {
        while true {
            enum Next { case send([UInt8]), stop, closeDescriptor, flushed }
            let next = writer.withLock { state -> Next in
                if state.closed {
                    state.flushing = false
                    if !state.descriptorClosed {
                        state.descriptorClosed = true
                        return .closeDescriptor
                    }
                    return .stop
                }
                if state.pendingCount == 0 {
                    state.flushing = false
                    return state.closeWhenFlushed ? .flushed : .stop
                }
                return .send(state.takePending())
            }
            switch next {
            case .stop:
                notifyIfDrained()
                return
            case .closeDescriptor:
                Glibc.close(descriptor)
                return
            case .flushed:
                eventLoop.execute { [self] in closeAfterFlushCompleted() }
                return
            case .send(let chunk):
                let result = chunk.withUnsafeBytes { sendAll($0) }
                switch result {
                case .complete:
                    continue
                case .failed(let error):
                    writer.withLock { $0.flushing = false }
                    failFromAnyThread(.io(error))
                    return
                case .blocked(let sent):
                    let retry = writer.withLock { state -> Bool in
                        state.prependPending(chunk[sent...])
                        if state.writableEdgeSeen {
                            state.writableEdgeSeen = false
                            return true
                        }
                        state.waitingForWritable = true
                        state.flushing = false
                        return false
                    }
                    if !retry {
                        notifyIfDrained()
                        return
                    }
                }
            }
        }
    }

    /// On the loop thread: queue the bytes and send everything queued once, at the end of the iteration.
    func writeDeferred(_ bytes: UnsafeRawBufferPointer) -> Bool {
        enum Action { case closed, overflow, queued, schedule }
        let action = writer.withLock { state -> Action in
            if state.closed || state.closeWhenFlushed { return .closed }
            guard admit(bytes.count, &state) else { return .overflow }
            state.appendPending(bytes)
            if state.flushScheduled { return .queued }
            state.flushScheduled = true
            return .schedule
        }
        switch action {
        case .closed: return false
        case .overflow:
            closeNow(error: NetworkError.writeBufferFull)
            return false
        case .queued: return true
        case .schedule:
            eventLoop.deferFlush(self)
            return true
        }
    }

    /// Sends what ``writeDeferred(_:)`` queued (loop thread, end of iteration).
    func flushDeferred() {
        if isTLS {
            let failure = writer.withLock { state -> String? in
                state.flushScheduled = false
                guard !state.closed, let tls = state.tls, tls.handshakeComplete,
                      !state.waitingForWritable, !state.tlsWriteWantsRead else { return nil }
                return Self.flushTLS(&state)
            }
            finishTLSFlush(failure)
            return
        }
        let flush = writer.withLock { state -> Bool in
            state.flushScheduled = false
            guard !state.closed, !state.flushing, !state.waitingForWritable, state.pendingCount > 0 else { return false }
            state.flushing = true
            return true
        }
        if flush { continueFlushing() }
    }

    func failFromAnyThread(_ error: NetworkError) {
        eventLoop.execute { [self] in closeNow(error: error) }
    }
}
