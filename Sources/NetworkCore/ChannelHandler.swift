/// Receives a channel's events. Every method is called on the channel's event loop thread, one at a time.
public protocol ChannelHandler: AnyObject {
    /// An accepted connection was registered with its loop, before any TLS handshake: the moment to count
    /// it against a connection limit (closing it here skips the handshake).
    func channelRegistered(_ channel: Channel)
    /// The connection is established (after the TLS handshake, for TLS).
    func channelActive(_ channel: Channel)
    /// New bytes arrived. Consume what can be processed; the rest stays for the next call.
    func channelRead(_ channel: Channel, buffer: inout InboundBuffer)
    /// The connection is closed; `error` says why, nil for an orderly close by either side.
    func channelInactive(_ channel: Channel, error: (any Error)?)
    /// The peer finished sending (half-close). Return true to keep the channel open (for instance to
    /// finish a response) and close it later yourself; false (the default) closes it now.
    func channelInputEnded(_ channel: Channel) -> Bool
    /// Output that had risen above the high-water mark drained to the low-water mark: writing may resume.
    func channelWritabilityChanged(_ channel: Channel)
}

extension ChannelHandler {
    public func channelRegistered(_ channel: Channel) {}
    public func channelInputEnded(_ channel: Channel) -> Bool { false }
    public func channelWritabilityChanged(_ channel: Channel) {}
}
