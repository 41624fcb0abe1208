/// The path of a request target, split into segments before percent-decoding.
///
/// Splitting first means an encoded slash (`%2F`) stays inside its segment and can never create a new
/// one, and the router matches segments, not a decoded string. Dot segments (`.`, `..`, also as `%2e`) and
/// segments that decode to a control character or invalid UTF-8 are refused as 400 `invalid_path`, so
/// they never reach a handler.
public enum RequestPath {
    /// The decoded, non-empty segments of the path of `target` (the part before `?`). Malformed escapes
    /// are kept as they are (``validate(_:)`` refuses them for requests off the wire).
    public static func segments(of target: String) -> [String] {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path.split(separator: "/", omittingEmptySubsequences: true).map { raw in
            PercentDecoding.decode(String(raw), plusIsSpace: false) ?? String(raw)
        }
    }

    /// Refuses a target whose path has dot segments, bad escapes, or encoded control characters.
    public static func validate(_ target: String) throws(HTTPParseError) {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = PercentDecoding.decode(String(raw), plusIsSpace: false) else {
                throw HTTPParseError(400, "invalid_path", "The request path has a malformed percent-encoding.")
            }
            if decoded == "." || decoded == ".." {
                throw HTTPParseError(400, "invalid_path", "The request path may not contain '.' or '..' segments.")
            }
            if decoded.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                throw HTTPParseError(400, "invalid_path", "The request path may not contain control characters.")
            }
        }
    }
}
