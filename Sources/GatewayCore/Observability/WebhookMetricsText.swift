import Wire

/// The agent service's webhook inbox and processor figures in the Prometheus text format, appended to the
/// gateway's `/metrics` (company labels are ids from the agent service's configuration, as the gateway's own
/// series carry them; `METRICS_PUBLIC=false` keeps them behind the admin key; states and outcomes come from
/// closed sets).
enum WebhookMetricsText {
    static func render(_ metrics: WebhookMetrics) -> String {
        var out = "# HELP webhook_inbox_events Chatwoot webhook events in the agent service's inbox, by company and state.\n"
        out += "# TYPE webhook_inbox_events gauge\n"
        for company in metrics.events.keys.sorted() {
            for (state, count) in (metrics.events[company] ?? [:]).sorted(by: { $0.key < $1.key }) {
                out += "webhook_inbox_events{company=\(MetricsRegistry.quote(company)),state=\(MetricsRegistry.quote(state)),"
                    + "store=\(MetricsRegistry.quote(metrics.store))} \(count)\n"
            }
        }
        out += "# HELP webhook_attempts_total Finished webhook processing attempts since the agent service started, by outcome.\n"
        out += "# TYPE webhook_attempts_total counter\n"
        for (outcome, count) in metrics.attempts.sorted(by: { $0.key < $1.key }) {
            out += "webhook_attempts_total{outcome=\(MetricsRegistry.quote(outcome))} \(count)\n"
        }
        out += "# HELP chatwoot_api_calls_total Chatwoot API calls since the agent service started, by result.\n"
        out += "# TYPE chatwoot_api_calls_total counter\n"
        for (result, count) in metrics.chatwootCalls.sorted(by: { $0.key < $1.key }) {
            out += "chatwoot_api_calls_total{result=\(MetricsRegistry.quote(result))} \(count)\n"
        }
        return out
    }
}
