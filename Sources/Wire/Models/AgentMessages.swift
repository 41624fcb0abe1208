/// `agent/describeCompany` request.
public struct DescribeCompanyRequest: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public init(companyID: CompanyID) { self.companyID = companyID }
}

/// One agent of a company, as the agent service will run it.
public struct AgentState: Codable, Sendable, Equatable {
    public var kind: AgentKind
    public var enabled: Bool
    /// Where the agent's prompt comes from (absent from older servers).
    public var promptSource: PromptSource?
    public init(kind: AgentKind, enabled: Bool, promptSource: PromptSource? = nil) {
        self.kind = kind
        self.enabled = enabled
        self.promptSource = promptSource
    }
}

/// `agent/describeCompany` response: the persona and agents the agent service uses for a company, from
/// its own (propagated) copy of the configuration.
public struct AgentCompanyDescription: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var companyName: String
    public var salesAgentName: String
    public var agents: [AgentState]
    /// The configuration version the description comes from.
    public var configVersion: UInt64
    public init(companyID: CompanyID, companyName: String, salesAgentName: String, agents: [AgentState], configVersion: UInt64) {
        self.companyID = companyID
        self.companyName = companyName
        self.salesAgentName = salesAgentName
        self.agents = agents
        self.configVersion = configVersion
    }
}
