import Foundation
import Testing

extension IntegrationSuite {
    /// `/metrics` through the gateway: its own figures and every service's (`wire/metrics`), one valid exposition.
    @Suite(.serialized) struct MetricsIntegrationTests {
        @Test func everyServicesCalls_IndexSizes_AndProviderCalls_AreInOneExposition() async throws {
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            // benova's transcription provider is a closed port: its failed attempts are counted.
            fixture.companyExtras["benova"] = #""providers": {"transcription": {"provider": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "w"}}, "#
            try await fixture.start(startAllServices: true)
            let headers = ["X-API-Key": fixture.adminKey, "X-Company-ID": "benova", "Content-Type": "application/json"]
            #expect(fixture.request("POST", "/api/documents", headers: headers, body: #"{"title":"Precios","content":"El botox cuesta 250 €."}"#)?.status == 201)
            #expect(fixture.request("POST", "/api/documents/search", headers: headers, body: #"{"query":"botox"}"#)?.status == 200)
            #expect(fixture.request("POST", "/api/conversations/m1/test", headers: headers, body: #"{"message":"¿Cuánto cuesta el botox?"}"#)?.status == 200)
            let audio = try MediaFiles.speech("hola", format: "wav")
            let form = MediaFiles.form(fields: ["user_id": "m1"], fileField: "audio", fileName: "a.wav", fileType: "audio/wav", file: audio)
            let voice = fixture.request("POST", "/api/multimedia/process-voice",
                                        headers: ["X-API-Key": fixture.adminKey, "X-Company-ID": "benova", "Content-Type": form.contentType], bytes: form.body)
            #expect(voice?.status == 503)

            let response = try #require(fixture.request("GET", "/metrics", headers: ["X-API-Key": fixture.adminKey]))
            #expect(response.status == 200)
            let text = response.text
            for expected in [
                // The search endpoint and the chat's retrieval.
                #"wire_server_calls_total{service="rag",method="rag/searchDocuments",company="benova",code="ok"} 2"#,
                #"wire_server_calls_total{service="rag",method="rag/addDocuments",company="benova",code="ok"} 1"#,
                #"wire_server_calls_total{service="agent",method="agent/chat",company="benova",code="ok"} 1"#,
                #"wire_server_calls_total{service="media",method="media/transcribe",company="benova",code="unavailable"} 1"#,
                #"wire_server_calls_total{service="config","#,
                #"wire_server_call_duration_seconds_bucket{service="rag",method="rag/searchDocuments",company="benova",le="+Inf"} 2"#,
                #"rag_index_chunks{company="benova"} 1"#, #"rag_index_documents{company="benova"} 1"#,
                #"http_client_requests_total{client="media-providers",host="127.0.0.1",outcome="connection"} 1"#,
                "media_ocr_queued_images 0", "gateway_http_requests_total",
            ] {
                #expect(text.contains(expected), "missing \(expected)")
            }
            // One declaration per family: a valid exposition for Prometheus.
            let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
            #expect(Set(types).count == types.count, "families declared twice: \(types)")
            // Admin only by default (METRICS_PUBLIC lets anyone read it).
            #expect(fixture.request("GET", "/metrics")?.status == 401)
            #expect(fixture.request("GET", "/metrics", headers: ["X-API-Key": fixture.benovaKey])?.status == 403)
        }
    }
}
