/// The agent service's methods: conversations, router and agents.
public enum AgentAPI {
    /// The Wire service name.
    public static let service = ServiceName.agent.rawValue
    /// Every method the agent service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all
}
