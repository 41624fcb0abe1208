import Foundation
import NetworkCore

/// One HTTP/1.1 connection: parses requests, enforces limits and timeouts, hands complete requests to
/// the responder one at a time (pipelined requests wait, answered in order) and writes the responses.
///
/// All state is touched on the connection's event loop only; the responder runs as a task on that loop,
/// and is cancelled if the connection closes first. Answers that close the connection use a lingering
/// close. A client that does not read its answers stops being served once the output passes the channel's
/// high-water mark (the next pipelined request waits for the output to drain).
final class HTTPConnectionHandler: ChannelHandler, @unchecked Sendable {
    private enum State {
        case awaitingHead
        case readingBody(HTTPRequestHead, BodyReader)
        case responding
        /// The last answer is queued but the output is above its high-water mark.
        case awaitingWritable
        case closing
    }

    private enum BodyReader {
        case length(remaining: Int, body: [UInt8])
        case chunked(ChunkedBodyDecoder, body: [UInt8])
    }

    private enum TimerPhase { case none, idle, header, body }

    private unowned let server: HTTPServer
    /// Copies of the server's configuration and responder, so per-request reads don't go through the
    /// unowned reference.
    private let configuration: HTTPServerConfiguration
    private let application: any HTTPResponder
    private let channel: Channel
    private let info: HTTPConnectionInfo
    // Loop-thread state: only the connection's event loop touches it, one callback at a time, so the
    // dynamic exclusivity checks are skipped.
    @exclusivity(unchecked) private var state = State.awaitingHead
    @exclusivity(unchecked) private var parser: HTTPRequestParser
    /// One timer per connection, moved lazily: arming only records the deadline; the scheduled task
    /// re-schedules itself when it fires early. Keeps timer work per timeout, not per request.
    @exclusivity(unchecked) private var timer: ScheduledTask?
    @exclusivity(unchecked) private var timerFiresAt: UInt64 = 0
    @exclusivity(unchecked) private var timerDeadline: UInt64 = 0
    @exclusivity(unchecked) private var timerPhase = TimerPhase.none
    /// When the body being read must be complete, however steadily it arrives.
    @exclusivity(unchecked) private var bodyDeadline: UInt64 = 0
    @exclusivity(unchecked) private var requestsServed = 0
    @exclusivity(unchecked) private var draining = false
    @exclusivity(unchecked) private var inputEnded = false
    @exclusivity(unchecked) private var counted = false
    @exclusivity(unchecked) private var dateSecond = -1
    @exclusivity(unchecked) private var dateBytes: [UInt8] = []
    @exclusivity(unchecked) private var responder: Task<Void, Never>?

    init(server: HTTPServer, channel: Channel, isTLS: Bool) {
        self.server = server
        self.configuration = server.configuration
        self.application = server.responder
        self.channel = channel
        self.info = HTTPConnectionInfo(remoteAddress: channel.peerDescription, isTLS: isTLS)
        self.parser = HTTPRequestParser(maximumHeadSize: configuration.maximumHeadSize,
                                        maximumHeaderCount: configuration.maximumHeaderCount)
    }

    // MARK: ChannelHandler

    func channelRegistered(_ channel: Channel) {
        // Counted before any TLS handshake, so handshakes in progress count against the limit too.
        counted = server.connectionOpened(self)
        if !counted && channel.isTLS {
            application.requestRejected(HTTPParseError(503, "too_many_connections", "The server has too many open connections."),
                                             connection: info)
            channel.close()
        }
    }

    func channelActive(_ channel: Channel) {
        if !counted {
            reject(HTTPParseError(503, "too_many_connections", "The server has too many open connections."))
            return
        }
        arm(.idle)
    }

    func channelRead(_ channel: Channel, buffer: inout InboundBuffer) {
        process(&buffer)
    }

    func channelInputEnded(_ channel: Channel) -> Bool {
        switch state {
        case .responding:
            // The client finished sending while its request is being handled: it closed the connection, or
            // only its sending side (TCP cannot tell which). As Go's and nginx's servers do, take it as
            // the client leaving: the work for it is cancelled (upstream calls end), but whatever answer
            // the responder still produces is written, so a half-closing client gets it.
            inputEnded = true
            responder?.cancel()
            return true
        case .awaitingWritable:
            inputEnded = true
            return true
        default:
            return false
        }
    }

    func channelWritabilityChanged(_ channel: Channel) {
        guard case .awaitingWritable = state else { return }
        state = .awaitingHead
        channel.resumeReading()
        arm(.idle)
        channel.redeliverBufferedInput()
    }

    func channelInactive(_ channel: Channel, error: (any Error)?) {
        timer?.cancel()
        timer = nil
        timerPhase = .none
        state = .closing
        // The client went away: stop working on its request.
        responder?.cancel()
        responder = nil
        if counted { server.connectionClosed(self) }
        counted = false
    }

    // MARK: Parsing

    private func process(_ buffer: inout InboundBuffer) {
        while true {
            switch state {
            case .closing:
                buffer.consume(buffer.readableBytes)
                return
            case .responding, .awaitingWritable:
                if buffer.readableBytes > configuration.maximumPipelinedBytes {
                    reject(HTTPParseError(431, "pipeline_too_large", "Too much data sent ahead of the responses."))
                }
                return
            case .awaitingHead:
                guard buffer.readableBytes > 0 else { return }
                if timerPhase != .header { arm(.header) }
                let result: HTTPRequestParser.Result
                do {
                    result = try buffer.withReadableBytes { (bytes) throws(HTTPParseError) in try parser.parse(bytes) }
                } catch {
                    reject(error)
                    return
                }
                switch result {
                case .incomplete(let consumed):
                    // Leading empty lines are dropped but stay counted against the head limit.
                    buffer.consume(consumed)
                    return
                case .complete(let head, let consumed):
                    buffer.consume(consumed)
                    do {
                        try startBody(head)
                    } catch {
                        reject(error)
                        return
                    }
                }
            case .readingBody(let head, var reader):
                var progressed = false
                var complete = false
                do {
                    switch reader {
                    case .length(let remaining, var body):
                        let take = min(remaining, buffer.readableBytes)
                        if take > 0 {
                            buffer.withReadableBytes { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<take])) }
                            buffer.consume(take)
                            progressed = true
                        }
                        complete = remaining - take == 0
                        reader = .length(remaining: remaining - take, body: body)
                    case .chunked(var decoder, var body):
                        let consumed = try buffer.withReadableBytes { (bytes) throws(HTTPParseError) in
                            try decoder.decode(bytes, into: &body)
                        }
                        buffer.consume(consumed)
                        progressed = consumed > 0
                        complete = decoder.isComplete
                        reader = .chunked(decoder, body: body)
                    }
                } catch {
                    reject(error)
                    return
                }
                if complete {
                    switch reader {
                    case .length(_, let body), .chunked(_, let body): dispatch(head, body: body)
                    }
                    return
                }
                state = .readingBody(head, reader)
                if progressed { arm(.body) }
                if buffer.readableBytes == 0 { return }
            }
        }
    }

    private func startBody(_ head: HTTPRequestHead) throws(HTTPParseError) {
        let framing = try head.bodyFraming()
        let limit = application.bodyLimit(for: head)
        switch framing {
        case .none:
            dispatch(head, body: [])
            return
        case .contentLength(let length):
            guard length <= limit else {
                throw HTTPParseError(413, "payload_too_large", "The request body exceeds \(limit) bytes.")
            }
            if length == 0 {
                dispatch(head, body: [])
                return
            }
            if head.expectsContinue { channel.write(Self.continueLine) }
            var body: [UInt8] = []
            body.reserveCapacity(min(length, 1 << 20))
            state = .readingBody(head, .length(remaining: length, body: body))
        case .chunked:
            if head.expectsContinue { channel.write(Self.continueLine) }
            state = .readingBody(head, .chunked(ChunkedBodyDecoder(limit: limit), body: []))
        }
        bodyDeadline = MonotonicTime.now() &+ MonotonicTime.nanoseconds(configuration.bodyReadTimeout)
        arm(.body)
    }

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    // MARK: Responding

    private func dispatch(_ head: HTTPRequestHead, body: [UInt8]) {
        disarm()
        state = .responding
        let request = HTTPRequest(head: head, body: body)
        let responder = application
        let info = self.info
        self.responder = Task(executorPreference: channel.eventLoop) { [self] in
            let response = await responder.respond(to: request, connection: info)
            if channel.eventLoop.inEventLoop {
                finish(request, response)
            } else {
                channel.eventLoop.execute { [self] in finish(request, response) }
            }
        }
    }

    private func finish(_ request: HTTPRequest, _ response: HTTPResponse) {
        guard case .responding = state else { return }
        responder = nil
        requestsServed += 1
        let keepAlive = request.wantsKeepAlive && !response.closesConnection && !draining && !server.isDraining
            && !inputEnded && requestsServed < configuration.maximumRequestsPerConnection
        write(response, headOnly: request.method == "HEAD", keepAlive: keepAlive, minorVersion: request.minorVersion)
        if keepAlive {
            guard channel.isWritable else {
                // The client is not reading its answers: stop reading its requests until it does.
                state = .awaitingWritable
                channel.pauseReading()
                return
            }
            state = .awaitingHead
            arm(.idle)
            channel.redeliverBufferedInput()
        } else {
            state = .closing
            channel.closeAfterFlush(linger: configuration.lingerTimeout)
        }
    }

    private func write(_ response: HTTPResponse, headOnly: Bool, keepAlive: Bool, minorVersion: Int) {
        // 1xx, 204 and 304 answers carry neither a body nor a Content-Length (RFC 9110 §8.6).
        let bodiless = response.status < 200 || response.status == 204 || response.status == 304
        var output: [UInt8] = []
        output.reserveCapacity(192 + response.body.count)
        output.append(contentsOf: minorVersion == 0 ? Self.http10 : Self.http11)
        output.append(contentsOf: Array(String(response.status).utf8))
        output.append(0x20)
        output.append(contentsOf: Array(HTTPResponse.reasonPhrase(response.status).utf8))
        output.append(contentsOf: Self.dateHeader)
        let second = Int(Date().timeIntervalSince1970)
        if second != dateSecond {
            dateSecond = second
            dateBytes = Array(DateHeaderCache.format(second).utf8)
        }
        output.append(contentsOf: dateBytes)
        if !bodiless {
            output.append(contentsOf: Self.contentLengthHeader)
            output.append(contentsOf: Array(String(response.body.count).utf8))
        }
        for field in response.headers.fields {
            if HTTPHeaders.equalsIgnoringCase(field.name, "Content-Length")
                || HTTPHeaders.equalsIgnoringCase(field.name, "Connection") { continue }
            output.append(0x0D)
            output.append(0x0A)
            output.append(contentsOf: Array(field.name.utf8))
            output.append(0x3A)
            output.append(0x20)
            // Header values never carry CR or LF (response splitting).
            if field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
                output.append(contentsOf: field.value.utf8.filter { $0 != 0x0D && $0 != 0x0A })
            } else {
                output.append(contentsOf: field.value.utf8)
            }
        }
        if !keepAlive {
            output.append(contentsOf: Self.connectionClose)
        } else if minorVersion == 0 {
            output.append(contentsOf: Self.connectionKeepAlive)
        }
        output.append(contentsOf: Self.headEnd)
        if !headOnly && !bodiless { output.append(contentsOf: response.body) }
        channel.write(output)
    }

    private static let http11 = Array("HTTP/1.1 ".utf8)
    private static let http10 = Array("HTTP/1.0 ".utf8)
    private static let dateHeader = Array("\r\nDate: ".utf8)
    private static let contentLengthHeader = Array("\r\nContent-Length: ".utf8)
    private static let connectionClose = Array("\r\nConnection: close".utf8)
    private static let connectionKeepAlive = Array("\r\nConnection: keep-alive".utf8)
    private static let headEnd = Array("\r\n\r\n".utf8)

    /// Answers a request the server refused, then closes the connection (lingering, so the client can
    /// read the answer even while it is still sending).
    private func reject(_ error: HTTPParseError) {
        disarm()
        application.requestRejected(error, connection: info)
        state = .closing
        write(error.response(), headOnly: false, keepAlive: false, minorVersion: 1)
        channel.closeAfterFlush(linger: configuration.lingerTimeout)
    }

    // MARK: Timers

    private func arm(_ phase: TimerPhase) {
        timerPhase = phase
        let now = MonotonicTime.now()
        switch phase {
        case .none: return
        case .idle: timerDeadline = now &+ MonotonicTime.nanoseconds(configuration.keepAliveIdleTimeout)
        case .header: timerDeadline = now &+ MonotonicTime.nanoseconds(configuration.headerReadTimeout)
        case .body: timerDeadline = min(now &+ MonotonicTime.nanoseconds(configuration.bodyIdleTimeout), bodyDeadline)
        }
        if timer == nil || timerFiresAt > timerDeadline { scheduleTimer(at: timerDeadline) }
    }

    private func scheduleTimer(at deadline: UInt64) {
        timer?.cancel()
        timerFiresAt = deadline
        timer = channel.eventLoop.schedule(atNanoseconds: deadline) { [weak self] in self?.timerFired() }
    }

    private func disarm() {
        // The scheduled task stays; when it fires it finds no phase armed.
        timerPhase = .none
    }

    private func timerFired() {
        timer = nil
        guard timerPhase != .none else { return }
        if MonotonicTime.now() < timerDeadline {
            scheduleTimer(at: timerDeadline)
            return
        }
        let phase = timerPhase
        timerPhase = .none
        switch phase {
        case .none: return
        case .idle:
            state = .closing
            channel.close()
        case .header:
            reject(HTTPParseError(408, "request_timeout", "The request headers were not received in time."))
        case .body:
            let message = MonotonicTime.now() >= bodyDeadline ? "The request body took too long." : "The request body stalled."
            reject(HTTPParseError(408, "request_timeout", message))
        }
    }

    // MARK: Shutdown

    /// Stops keeping the connection alive: an idle connection closes now, a busy one after its response.
    func drain() {
        channel.eventLoop.execute { [self] in
            draining = true
            if case .awaitingHead = state, timerPhase != .header {
                state = .closing
                channel.close()
            }
        }
    }

    func forceClose() { channel.close() }
}
