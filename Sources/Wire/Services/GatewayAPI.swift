/// The gateway's own Wire methods (health aggregation for operators and the launcher).
public enum GatewayAPI {
    /// The Wire service name.
    public static let service = ServiceName.gateway.rawValue
    /// Every method the gateway serves over Wire, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}
