/// Where an agent's prompt comes from, in the order they are tried.
public enum PromptSource: String, Codable, Sendable {
    /// Set for this company through the admin API.
    case custom
    /// The company's default (`custom_prompts.json` beside the companies file, or imported into PostgreSQL).
    case companyDefault = "company_default"
    /// The product's built-in template.
    case builtin
}

/// `agent/describeCompany` request.
public struct DescribeCompanyRequest: TenantScopedRequest, Codable, Sendable, Equatable {
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

/// `agent/describePrompts` request: each agent's prompt for one company, as the agent service's copy of
/// the configuration has it, or as `snapshot` has it (the gateway passes the company it just saved, so
/// the answer does not depend on how fast the change propagates).
public struct DescribePromptsRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var snapshot: Company?
    public init(companyID: CompanyID, snapshot: Company? = nil) {
        self.companyID = companyID
        self.snapshot = snapshot
    }
}

/// One agent's prompt as the agent service resolves it.
public struct AgentPrompt: Codable, Sendable, Equatable {
    public var agent: AgentKind
    public var template: String
    public var source: PromptSource
    public init(agent: AgentKind, template: String, source: PromptSource) {
        self.agent = agent
        self.template = template
        self.source = source
    }
}

/// `agent/describePrompts` response.
public struct AgentPrompts: Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var prompts: [AgentPrompt]
    /// The configuration version the prompts come from.
    public var configVersion: UInt64
    public init(companyID: CompanyID, prompts: [AgentPrompt], configVersion: UInt64) {
        self.companyID = companyID
        self.prompts = prompts
        self.configVersion = configVersion
    }
}

/// `agent/previewPrompt` request: render a template (the agent's current one when nil) with sample values
/// from the company's configuration, overridden by `values`.
public struct PreviewPromptRequest: TenantScopedRequest, Codable, Sendable, Equatable {
    public var companyID: CompanyID
    public var agent: AgentKind
    public var template: String?
    public var values: [String: String]
    /// The company to render for (see ``DescribePromptsRequest/snapshot``).
    public var snapshot: Company?
    public init(companyID: CompanyID, agent: AgentKind, template: String? = nil, values: [String: String] = [:],
                snapshot: Company? = nil) {
        self.companyID = companyID
        self.agent = agent
        self.template = template
        self.values = values
        self.snapshot = snapshot
    }
}

/// `agent/previewPrompt` response.
public struct PromptPreview: Codable, Sendable, Equatable {
    public var rendered: String
    /// The values used for each placeholder.
    public var values: [String: String]
    public init(rendered: String, values: [String: String]) {
        self.rendered = rendered
        self.values = values
    }
}
