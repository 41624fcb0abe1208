/// Matches a method and path to a route value, with `{name}` path parameters.
///
/// Static segments win over parameters; `HEAD` falls back to `GET`. When the path exists but not for the
/// method, the match says which methods are allowed (for 405 and its `Allow` header). Requests are matched
/// by their already-split segments (``HTTPRequest/pathSegments``), so a parameter never spans a `/`.
public struct Router<Route: Sendable>: Sendable {
    private final class Node: @unchecked Sendable {
        // Built once before serving and read-only afterwards.
        var children: [String: Node] = [:]
        var parameter: (name: String, node: Node)?
        var routes: [String: (pattern: String, route: Route)] = [:]
    }

    /// The result of a lookup.
    public enum Match: Sendable {
        case found(Route, parameters: [String: String], pattern: String)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private let root = Node()

    public init() {}

    /// Adds `route` for `method` and `pattern` (e.g. `/api/companies/{id}`), replacing an existing one.
    public mutating func add(_ method: String, _ pattern: String, _ route: Route) {
        var node = root
        for segment in Self.segments(pattern) {
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                let name = String(segment.dropFirst().dropLast())
                if let existing = node.parameter {
                    node = existing.node
                } else {
                    let child = Node()
                    node.parameter = (name, child)
                    node = child
                }
            } else if let child = node.children[segment] {
                node = child
            } else {
                let child = Node()
                node.children[segment] = child
                node = child
            }
        }
        node.routes[method] = (pattern, route)
    }

    /// Finds the route for `method` and `path` (a literal path, split on `/`).
    public func match(method: String, path: String) -> Match {
        match(method: method, segments: Self.segments(path))
    }

    /// Finds the route for `method` and decoded path `segments`.
    public func match(method: String, segments: [String]) -> Match {
        var node = root
        var parameters: [String: String] = [:]
        for segment in segments {
            if let child = node.children[segment] {
                node = child
            } else if let parameter = node.parameter {
                parameters[parameter.name] = segment
                node = parameter.node
            } else {
                return .notFound
            }
        }
        if let entry = node.routes[method] ?? (method == "HEAD" ? node.routes["GET"] : nil) {
            return .found(entry.route, parameters: parameters, pattern: entry.pattern)
        }
        guard !node.routes.isEmpty else { return .notFound }
        var allowed = Set(node.routes.keys)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    private static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
