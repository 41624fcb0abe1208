import Foundation

/// Options from `--name value` / `--name=value` flags with environment-variable fallbacks.
///
/// Flags win over the environment; the environment wins over defaults. Unknown flags are kept so a
/// caller can reject them.
public struct CommandLineOptions: Sendable {
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    /// Positional arguments (subcommands), in order.
    public private(set) var positional: [String] = []
    private let environment: [String: String]

    /// Parses `arguments` (without the program name).
    public init(arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                positional.append(argument)
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                values[String(body[..<equals]), default: []].append(String(body[body.index(after: equals)...]))
            } else if index < arguments.count, !arguments[index].hasPrefix("--") {
                values[String(body), default: []].append(arguments[index])
                index += 1
            } else {
                flags.insert(String(body))
            }
        }
    }

    /// The last value of `--name`, else the environment variable, else nil.
    public func value(_ name: String, environment variable: String? = nil) -> String? {
        if let value = values[name]?.last { return value }
        if let variable, let value = environment[variable], !value.isEmpty { return value }
        return nil
    }

    /// Every value of a repeatable `--name`, else the comma-separated environment variable.
    public func values(_ name: String, environment variable: String? = nil) -> [String] {
        if let list = values[name], !list.isEmpty { return list }
        if let variable, let value = environment[variable], !value.isEmpty {
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return []
    }

    /// Whether `--name` was given without a value, or the environment variable is `1`/`true`/`yes`.
    public func flag(_ name: String, environment variable: String? = nil) -> Bool {
        if flags.contains(name) { return true }
        if let value = values[name]?.last { return ["1", "true", "yes", "on"].contains(value.lowercased()) }
        if let variable, let value = environment[variable] { return ["1", "true", "yes", "on"].contains(value.lowercased()) }
        return false
    }

    /// A whole number of milliseconds or seconds (`250ms`, `2s`, `2`), or nil.
    public func duration(_ name: String, environment variable: String? = nil) -> Duration? {
        guard let text = value(name, environment: variable) else { return nil }
        if text.hasSuffix("ms"), let value = Int(text.dropLast(2)) { return .milliseconds(value) }
        if text.hasSuffix("s"), let value = Double(text.dropLast()) { return .milliseconds(Int(value * 1000)) }
        if let value = Double(text) { return .milliseconds(Int(value * 1000)) }
        return nil
    }

    /// The environment the options were read with.
    public func environmentValue(_ name: String) -> String? { environment[name] }
}
