/// Whether a service, or one of its components, can serve calls. A status added by a newer service reads
/// as ``unknown`` in an older one.
public enum ServingStatus: String, TolerantEnum, Sendable, Equatable {
    /// Ready to serve.
    case serving
    /// Running but unable to serve (a dependency is down, shutting down...).
    case notServing
    /// Serving, with reduced function (for example configuration read-only while its database is down).
    case degraded
    /// The status has not been determined yet (or is one this build does not know).
    case unknown

    public static var unknownCase: ServingStatus { .unknown }
}

/// The request of the standard `health` method.
public struct HealthCheckRequest: Codable, Sendable, Equatable {
    /// A component to check, or nil for the whole service.
    public var component: String?

    public init(component: String? = nil) { self.component = component }
}

/// The answer of the standard `health` method.
public struct HealthCheckResponse: Codable, Sendable, Equatable {
    /// The overall status (or the status of the requested component).
    public var status: ServingStatus
    /// The service's name, e.g. `config`.
    public var service: String
    /// The build's version.
    public var version: String
    /// Seconds since the process started.
    public var uptimeSeconds: Double
    /// The status of each component, with an optional explanation.
    public var components: [String: ComponentHealth]
    /// The serving process's id (added in 0.1; absent from older servers).
    public var processID: Int32?

    public init(
        status: ServingStatus, service: String, version: String, uptimeSeconds: Double,
        components: [String: ComponentHealth] = [:], processID: Int32? = nil
    ) {
        self.status = status
        self.service = service
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.components = components
        self.processID = processID
    }
}

/// The health of one component of a service.
public struct ComponentHealth: Codable, Sendable, Equatable {
    public var status: ServingStatus
    public var detail: String?

    public init(status: ServingStatus, detail: String? = nil) {
        self.status = status
        self.detail = detail
    }
}

/// The request of the standard `listMethods` method.
public struct ListMethodsRequest: Codable, Sendable, Equatable {
    public init() {}
}

/// The answer of the standard `listMethods` method: every method the server serves.
public struct ListMethodsResponse: Codable, Sendable, Equatable {
    public var methods: [MethodDescriptor]
    public init(methods: [MethodDescriptor]) { self.methods = methods }
}

/// The message of the standard `echo` method, used by probes and benchmarks.
public struct EchoMessage: Codable, Sendable, Equatable {
    public var text: String
    public init(text: String) { self.text = text }
}

/// The request of the standard `metrics` method.
public struct MetricsRequest: Codable, Sendable, Equatable {
    public init() {}
}

/// The answer of the standard `metrics` method: the server's figures in Prometheus' text format (every series
/// labelled with the service), for the gateway's `/metrics` to pass on.
public struct MetricsResponse: Codable, Sendable, Equatable {
    public var text: String
    public init(text: String) { self.text = text }
}
