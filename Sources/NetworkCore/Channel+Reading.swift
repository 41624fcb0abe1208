import CLinux
import Glibc

extension Channel {
    // MARK: Events (loop thread)

    func handleEvents(_ events: UInt32) {
        switch phase {
        case .closed:
            return
        case .connecting:
            if events & (CLinux_EPOLLOUT | CLinux_EPOLLERR | CLinux_EPOLLHUP) != 0 { connectCompleted() }
            return
        case .handshaking, .active:
            break
        }
        if isTLS {
            driveTLS()
            return
        }
        if events & (CLinux_EPOLLIN | CLinux_EPOLLRDHUP | CLinux_EPOLLHUP | CLinux_EPOLLERR) != 0 && !(readingPaused && !lingering) {
            if inputEnded {
                if events & (CLinux_EPOLLHUP | CLinux_EPOLLERR) != 0 { closeNow(error: nil) }
            } else {
                // When the peer has closed its side, read to the end: the FIN came with this edge and no
                // further edge will announce it.
                readPlain(toEnd: events & (CLinux_EPOLLRDHUP | CLinux_EPOLLHUP | CLinux_EPOLLERR) != 0)
            }
        }
        if phase == .active && events & CLinux_EPOLLOUT != 0 { writableEdge() }
    }

    func readPlain(toEnd: Bool = false) {
        var received = 0
        var endOfStream = false
        var failure: IOError?
        var drained = false
        for _ in 0..<64 {
            var space = 0
            let count = inbound.writeWithUnsafeMutableBytes(minimumSpace: 16 * 1024) { raw in
                space = raw.count
                return Glibc.read(descriptor, raw.baseAddress, raw.count)
            }
            if count > 0 {
                received += count
                // While lingering the bytes are only drained, never buffered.
                if lingering { inbound.consume(inbound.readableBytes) }
                if count < space && !toEnd {
                    drained = true
                    break
                }
                continue
            }
            drained = true
            if count == 0 {
                endOfStream = true
                break
            }
            let code = errno
            if code == EINTR {
                drained = false
                continue
            }
            if code != EAGAIN && code != EWOULDBLOCK { failure = IOError("read", code: code) }
            break
        }
        if received > 0 && !lingering { handler?.channelRead(self, buffer: &inbound) }
        if let failure {
            closeNow(error: NetworkError.io(failure))
        } else if endOfStream {
            if phase == .active && !inputEnded && !lingering {
                inputEnded = true
                if handler?.channelInputEnded(self) == true { return }
            }
            closeNow(error: nil)
        } else if !drained {
            // Edge-triggered: no new event comes for data already waiting, so come back for it
            // after the other channels of this loop had their turn.
            eventLoop.execute { [self] in if phase == .active && !inputEnded && !readingPaused { readPlain(toEnd: toEnd) } }
        }
    }
}
