/// A service cannot start because its configuration (flags, environment, files) is wrong.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the flag or variable.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
