import Foundation
import RedisClient
import Testing

extension IntegrationSuite {
    /// A company's purge with every store on Redis (documents and vectors, conversations and the turn log,
    /// appointments, the webhook inbox): afterwards no key with any of the company's data is left under its
    /// prefix or its vector index, and another company's data is all there.
    @Suite(.serialized) struct PurgeAcrossStoresTests {
        /// The keys under any of `prefixes`.
        func keys(_ redis: RedisClient, _ prefixes: [String]) async throws -> [String] {
            var found: [String] = []
            for prefix in prefixes { found += try await redis.keys(withPrefix: prefix) }
            return found
        }

        @Test func purgingACompany_LeavesNoDataOfItInRedis_AndTouchesNoOtherCompany() async throws {
            let base = try #require(ProcessInfo.processInfo.environment["TEST_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 },
                                    "TEST_REDIS_URL is not set: run the tests with scripts/test.sh, which starts Redis")
            // A database of its own on the test server, so that other suites' keys do not count.
            let url = base + "/11"
            let redis = try RedisClient(url: url, poolSize: 1)
            defer { redis.shutdown() }
            _ = try await redis.command(["FLUSHDB"])
            let fixture = GatewayFixture()
            defer { fixture.stop() }
            fixture.companyExtras["medispa"] = #""treatment_durations": {"botox": 30}, "#
            try await fixture.start(environment: ["REDIS_URL": url], startAllServices: true)

            for (company, account, price, treatment) in [("benova", 7, "220", "botox"), ("medispa", 8, "180", "botox")] {
                #expect(fixture.request(as: company, "POST", "/api/documents",
                             body: ["title": "Precios", "content": "# Precios\nEl botox cuesta \(price) € por zona."])?.status == 201)
                #expect(fixture.request(as: company, "POST", "/api/conversations/ana/test", body: ["message": "¿Cuánto cuesta un botox?"])?.status == 200)
                let slots = fixture.request(as: company, "GET", "/api/appointments/availability?treatment=\(treatment)&limit=1")?.json?["slots"] as? [[String: Any]]
                let start = try #require(slots?.first?["start"] as? String,
                                        "no free slot at \(company): \(fixture.request(as: company, "GET", "/api/appointments/availability?treatment=\(treatment)&limit=1")?.text ?? "")")
                let booked = fixture.request(as: company, "POST", "/api/appointments",
                                  body: ["treatment": treatment, "start": start,
                                         "patient": ["full_name": "Ana Ruiz", "id_number": "12345678", "phone": "+57 300 111 2222"]])
                #expect(booked?.status == 201, "\(booked?.text ?? "")")
                let webhook = fixture.request("POST", "/api/webhook/chatwoot", headers: ["Content-Type": "application/json"],
                                              body: ChatwootPayloads.incoming("hola", id: 7_700 + account, conversation: 30, account: account, contact: 40))
                #expect(webhook?.json?["status"] as? String == "accepted", "\(webhook?.text ?? "")")
            }
            let benova = ["benova:", "benova_documents"], medispa = ["medispa:", "medispa_documents"]
            let before = try await keys(redis, benova)
            // Every store wrote under the company's prefix or index.
            for part in ["document", "conversation", "appointment", "webhook"] {
                #expect(before.contains { $0.hasPrefix("benova:\(part)") }, "no benova:\(part)… key among \(before.sorted())")
            }
            #expect(before.contains { $0.hasPrefix("benova_documents") }, "\(before.sorted())")

            let purged = await fixture.purge("benova")
            #expect(purged?.status == 200, "\(purged?.text ?? "")")
            // Only the RAG replicas' change marker stays: the version counter and one "*" entry (the whole index
            // went), so that every other replica drops its copy too; no document, chunk or other datum.
            let left = try await keys(redis, benova)
            #expect(Set(left).isSubset(of: ["benova:rag:version", "benova:rag:changes"]), "left after the purge: \(left.sorted())")
            let marker = try await redis.command(["ZRANGE", "benova:rag:changes", "0", "-1"]).array?.compactMap(\.string)
            #expect(marker == nil || marker == [] || marker == ["*"], "\(marker ?? [])")
            // Medispa lost nothing.
            let remaining = try await keys(redis, medispa)
            for part in ["document", "conversation", "appointment", "webhook"] {
                #expect(remaining.contains { $0.hasPrefix("medispa:\(part)") }, "no medispa:\(part)… key among \(remaining.sorted())")
            }
            #expect(remaining.contains { $0.hasPrefix("medispa_documents") })
            let search = fixture.request(as: "medispa", "POST", "/api/documents/search", body: ["query": "botox precio"])?.json
            #expect((search?["results"] as? [[String: Any]])?.first?["content"] as? String == "# Precios\nEl botox cuesta 180 € por zona."
                        || ((search?["results"] as? [[String: Any]])?.first?["content"] as? String ?? "").contains("180"), "\(search ?? [:])")
            #expect(fixture.request(as: "medispa", "GET", "/api/conversations/ana/history")?.status == 200)
        }
    }
}
