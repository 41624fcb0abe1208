import Testing
@testable import WireRPC

struct RPCServerMetricsTests {
    @Test func calls_AreCountedAndTimed_ByMethodCompanyAndCode() async {
        let metrics = RPCServerMetrics()
        metrics.record(method: "rag/searchDocuments", company: "benova", code: "ok", seconds: 0.0007)
        metrics.record(method: "rag/searchDocuments", company: "benova", code: "ok", seconds: 0.02)
        metrics.record(method: "rag/searchDocuments", company: "medispa", code: "notFound", seconds: 0.001)
        metrics.record(method: "wire/health", company: nil, code: "ok", seconds: 0.0001)
        metrics.addSource { "# HELP extra_gauge x\n# TYPE extra_gauge gauge\nextra_gauge 3\n" }
        let text = await metrics.render(service: "rag")
        #expect(text.contains(#"wire_server_calls_total{service="rag",method="rag/searchDocuments",company="benova",code="ok"} 2"#))
        #expect(text.contains(#"wire_server_calls_total{service="rag",method="rag/searchDocuments",company="medispa",code="notFound"} 1"#))
        #expect(text.contains(#"wire_server_calls_total{service="rag",method="wire/health",company="-",code="ok"} 1"#))
        // Cumulative buckets: 0.7 ms is under 1 ms, 20 ms only from 25 ms on.
        #expect(text.contains(#"wire_server_call_duration_seconds_bucket{service="rag",method="rag/searchDocuments",company="benova",le="0.001"} 1"#))
        #expect(text.contains(#"wire_server_call_duration_seconds_bucket{service="rag",method="rag/searchDocuments",company="benova",le="0.025"} 2"#))
        #expect(text.contains(#"wire_server_call_duration_seconds_count{service="rag",method="rag/searchDocuments",company="benova"} 2"#))
        #expect(text.hasSuffix("extra_gauge 3\n"))
    }

    @Test func companies_AreBounded_AndLabelsEscaped() async {
        let metrics = RPCServerMetrics()
        for index in 0..<(RPCServerMetrics.maximumCompanies + 5) { metrics.record(method: "m", company: "c\(index)", code: "ok", seconds: 0) }
        let text = await metrics.render(service: "s")
        #expect(text.contains(#"company="other",code="ok"} 5"#))
        #expect(RPCServerMetrics.quote("a\"b\\c\nd") == #""a\"b\\c\nd""#)
    }
}
