/// A canonical RPC status code (the gRPC set, with the same numbers).
///
/// Modelled as a struct over the raw value rather than an enum, so a peer running a newer version
/// that sends a code this build does not know is still representable (it reads as `unknown`'s peer).
public struct StatusCode: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The numeric value sent on the wire.
    public let rawValue: UInt8

    /// Creates a code from its wire value.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let ok = StatusCode(rawValue: 0)
    public static let cancelled = StatusCode(rawValue: 1)
    public static let unknown = StatusCode(rawValue: 2)
    public static let invalidArgument = StatusCode(rawValue: 3)
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    public static let notFound = StatusCode(rawValue: 5)
    public static let alreadyExists = StatusCode(rawValue: 6)
    public static let permissionDenied = StatusCode(rawValue: 7)
    public static let resourceExhausted = StatusCode(rawValue: 8)
    public static let failedPrecondition = StatusCode(rawValue: 9)
    public static let aborted = StatusCode(rawValue: 10)
    public static let outOfRange = StatusCode(rawValue: 11)
    public static let unimplemented = StatusCode(rawValue: 12)
    public static let `internal` = StatusCode(rawValue: 13)
    public static let unavailable = StatusCode(rawValue: 14)
    public static let dataLoss = StatusCode(rawValue: 15)
    public static let unauthenticated = StatusCode(rawValue: 16)

    private static let names = [
        "ok", "cancelled", "unknown", "invalidArgument", "deadlineExceeded", "notFound", "alreadyExists",
        "permissionDenied", "resourceExhausted", "failedPrecondition", "aborted", "outOfRange", "unimplemented",
        "internal", "unavailable", "dataLoss", "unauthenticated",
    ]

    /// The code's name, e.g. `deadlineExceeded`.
    public var name: String {
        Int(rawValue) < Self.names.count ? Self.names[Int(rawValue)] : "code\(rawValue)"
    }

    public var description: String { name }
}
