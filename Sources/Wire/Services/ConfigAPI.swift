/// The config service's methods: companies, prompts, API keys (see the tenants issue).
public enum ConfigAPI {
    /// The Wire service name.
    public static let service = ServiceName.config.rawValue
    /// Every method the config service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}
