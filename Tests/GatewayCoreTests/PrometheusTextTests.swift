import Testing
@testable import GatewayCore

struct PrometheusTextTests {
    @Test func families_AreDeclaredOnce_AndTheirSamplesKeptTogether() {
        let rag = "# HELP wire_server_calls_total Calls.\n# TYPE wire_server_calls_total counter\nwire_server_calls_total{service=\"rag\"} 1\n"
            + "# HELP rag_index_chunks Chunks.\n# TYPE rag_index_chunks gauge\nrag_index_chunks{company=\"benova\"} 4\n"
        let media = "# HELP wire_server_calls_total Calls.\n# TYPE wire_server_calls_total counter\nwire_server_calls_total{service=\"media\"} 2\n"
            + "# HELP h Latency.\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 0.5\nh_count 1\nundeclared_total 7\n"
        let merged = PrometheusText.merge([rag, media])
        #expect(merged == """
            # HELP wire_server_calls_total Calls.
            # TYPE wire_server_calls_total counter
            wire_server_calls_total{service="rag"} 1
            wire_server_calls_total{service="media"} 2
            # HELP rag_index_chunks Chunks.
            # TYPE rag_index_chunks gauge
            rag_index_chunks{company="benova"} 4
            # HELP h Latency.
            # TYPE h histogram
            h_bucket{le="+Inf"} 1
            h_sum 0.5
            h_count 1
            undeclared_total 7

            """)
    }
}
