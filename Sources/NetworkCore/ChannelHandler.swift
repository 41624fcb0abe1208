/// Receives a channel's events. Every method is called on the channel's event loop thread, one at a time.
public protocol ChannelHandler: AnyObject {
    /// The connection is established (after the TLS handshake, for TLS).
    func channelActive(_ channel: Channel)
    /// New bytes arrived. Consume what can be processed; the rest stays for the next call.
    func channelRead(_ channel: Channel, buffer: inout InboundBuffer)
    /// The connection is closed; `error` says why, nil for an orderly close by either side.
    func channelInactive(_ channel: Channel, error: (any Error)?)
    /// The peer finished sending (half-close). Return true to keep the channel open (for instance to
    /// finish a response) and close it later yourself; false (the default) closes it now.
    func channelInputEnded(_ channel: Channel) -> Bool
}

extension ChannelHandler {
    public func channelInputEnded(_ channel: Channel) -> Bool { false }
}
