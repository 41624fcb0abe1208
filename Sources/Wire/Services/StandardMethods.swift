/// Methods every Wire server serves, whatever its service.
public enum StandardMethods {
    /// The service name under which the standard methods are registered.
    public static let service = "wire"

    /// Reports whether the server (or one component) is serving.
    public static let health = Method<HealthCheckRequest, HealthCheckResponse>(service: service, name: "health")
    /// Lists every method the server serves.
    public static let listMethods = Method<ListMethodsRequest, ListMethodsResponse>(
        service: service, name: "listMethods")
    /// Returns its request unchanged (latency probes and benchmarks).
    public static let echo = Method<EchoMessage, EchoMessage>(service: service, name: "echo")

    /// Erases everything the service holds for one company (`DELETE /api/admin/companies/{id}?purge=true`).
    /// Every service that stores tenant data serves it.
    public static let purgeTenant = Method<PurgeTenantRequest, PurgeTenantResponse>(service: service, name: "purgeTenant")

    /// The server's calls by method, company and status, their latency histograms, and what the service adds
    /// (index sizes, queue depths, provider calls), in Prometheus' text format.
    public static let metrics = Method<MetricsRequest, MetricsResponse>(service: service, name: "metrics", idempotent: true)

    /// All standard methods.
    public static let all: [MethodDescriptor] = [health.descriptor, listMethods.descriptor, echo.descriptor, purgeTenant.descriptor,
                                                 metrics.descriptor]
}
