/// The `{name}` placeholders a prompt template may use: part of the company schema, since custom prompts
/// are validated when they are saved. The templates themselves and their rendering belong to the agents.
public enum PromptPlaceholders {
    /// The placeholders a template may use.
    public static let names: Set<String> = ["company_name", "agent_name", "services", "context", "chat_history", "question"]

    /// The `{name}` placeholders in `template` that are not known (empty when the template is valid).
    public static func unknown(in template: String) -> [String] {
        var unknown: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = String(after[..<close])
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }), !names.contains(name) { unknown.append(name) }
            rest = after[after.index(after: close)...]
        }
        return unknown
    }
}
