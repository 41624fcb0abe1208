import Foundation

/// Options from `--name value` / `--name=value` flags with environment-variable fallbacks.
///
/// Flags win over the environment; the environment wins over defaults. Unknown flags are kept so a
/// caller can reject them.
///
/// Every environment variable can also be given as a file, the way container secrets are mounted:
/// `JWT_SECRET_FILE=/run/secrets/jwt` stands for `JWT_SECRET` with the file's contents (a final newline
/// dropped) when `JWT_SECRET` itself is not set. A file that cannot be read stops the process at start
/// (exit status 78, the configuration-error status) rather than leaving the setting silently unset.
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

    /// The last value of `--name`, else the environment variable (or the file `<variable>_FILE` names), else nil.
    public func value(_ name: String, environment variable: String? = nil) -> String? {
        if let value = values[name]?.last { return value }
        if let variable, let value = environmentValue(variable) { return value }
        return nil
    }

    /// Every value of a repeatable `--name`, else the comma-separated environment variable (or its `_FILE`).
    public func values(_ name: String, environment variable: String? = nil) -> [String] {
        if let list = values[name], !list.isEmpty { return list }
        if let variable, let value = environmentValue(variable) {
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return []
    }

    /// `variable`'s value in the environment the options were read with, else the contents of the file
    /// `<variable>_FILE` names.
    public func environmentValue(_ variable: String) -> String? {
        if let value = environment[variable], !value.isEmpty { return value }
        guard !variable.hasSuffix("_FILE"), let path = environment[variable + "_FILE"], !path.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            FileHandle.standardError.write(Data("configuration error: \(variable)_FILE: cannot read \(path)\n".utf8))
            exit(78)
        }
        var value = text
        while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
        return value.isEmpty ? nil : value
    }

    /// Whether `--name` was given without a value, or the environment variable is `1`/`true`/`yes`.
    public func flag(_ name: String, environment variable: String? = nil) -> Bool {
        if flags.contains(name) { return true }
        if let value = values[name]?.last { return ["1", "true", "yes", "on"].contains(value.lowercased()) }
        if let variable, let value = environment[variable] { return ["1", "true", "yes", "on"].contains(value.lowercased()) }
        return false
    }

    /// A duration (`250ms`, `2s`, `1.5s`, `2m`, or a bare number of seconds) within `range`, or nil when
    /// not given. Anything else, including values out of range, is a configuration error naming the option.
    public func duration(
        _ name: String, environment variable: String? = nil, in range: ClosedRange<Duration>
    ) throws(ConfigurationError) -> Duration? {
        guard let text = value(name, environment: variable) else { return nil }
        let label = variable ?? "--\(name)"
        guard let parsed = Self.parseDuration(text) else {
            throw ConfigurationError("\(label) must be a duration such as 250ms, 2s or 1m (got '\(text.prefix(40))')")
        }
        guard range.contains(parsed) else {
            throw ConfigurationError("\(label) must be between \(Self.describe(range.lowerBound)) and \(Self.describe(range.upperBound))")
        }
        return parsed
    }

    /// A whole number within `range`, or nil when not given.
    public func integer(_ name: String, environment variable: String? = nil, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let text = value(name, environment: variable) else { return nil }
        let label = variable ?? "--\(name)"
        guard let parsed = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigurationError("\(label) must be a whole number (got '\(text.prefix(40))')")
        }
        guard range.contains(parsed) else { throw ConfigurationError("\(label) must be from \(range.lowerBound) to \(range.upperBound)") }
        return parsed
    }

    /// A finite number within `range`, or nil when not given.
    public func number(_ name: String, environment variable: String? = nil, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
        guard let text = value(name, environment: variable) else { return nil }
        let label = variable ?? "--\(name)"
        guard let parsed = Double(text.trimmingCharacters(in: .whitespaces)), parsed.isFinite else {
            throw ConfigurationError("\(label) must be a number (got '\(text.prefix(40))')")
        }
        guard range.contains(parsed) else { throw ConfigurationError("\(label) must be from \(range.lowerBound) to \(range.upperBound)") }
        return parsed
    }

    /// Parses `250ms`, `2s`, `1.5s`, `2m`, `1h` or a bare number of seconds; nil for anything else, for
    /// negative or non-finite values, and for values beyond a day (no option needs more).
    static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        var number = Substring(trimmed)
        var scale = 1_000.0
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            number = trimmed.dropLast(unit.suffix.count)
            scale = unit.milliseconds
            break
        }
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        let milliseconds = value * scale
        guard milliseconds <= 86_400_000 else { return nil }
        return .milliseconds(Int64(milliseconds.rounded()))
    }

    private static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000)s" : "\(milliseconds)ms"
    }

}
