/// The agent service's methods: conversations, router and agents.
public enum AgentAPI {
    /// The Wire service name.
    public static let service = ServiceName.agent.rawValue
    /// The persona and agents the service uses for a company (`notFound` for unknown companies).
    public static let describeCompany = Method<DescribeCompanyRequest, AgentCompanyDescription>(
        service: service, name: "describeCompany")

    /// Every method the agent service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [describeCompany.descriptor]
}
