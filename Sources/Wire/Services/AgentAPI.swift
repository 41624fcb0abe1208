/// The agent service's methods: conversations, router and agents.
public enum AgentAPI {
    /// The Wire service name.
    public static let service = ServiceName.agent.rawValue
    /// The persona and agents the service uses for a company (`notFound` for unknown companies).
    public static let describeCompany = Method<DescribeCompanyRequest, AgentCompanyDescription>(
        service: service, name: "describeCompany")
    /// Each agent's prompt for a company and where it comes from (custom, company default, built-in).
    public static let describePrompts = Method<DescribePromptsRequest, AgentPrompts>(service: service, name: "describePrompts")
    /// Renders a prompt template with sample values (`invalidArgument` with field metadata for unknown placeholders).
    public static let previewPrompt = Method<PreviewPromptRequest, PromptPreview>(service: service, name: "previewPrompt")

    /// Every method the agent service serves, the standard ones included.
    public static let methods: [MethodDescriptor] = StandardMethods.all + [
        describeCompany.descriptor, describePrompts.descriptor, previewPrompt.descriptor,
    ]
}
