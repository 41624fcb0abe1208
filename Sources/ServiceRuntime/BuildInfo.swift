/// Facts about this build reported by health endpoints.
public enum BuildInfo {
    /// The product version.
    public static let version = "0.1.0"
}
