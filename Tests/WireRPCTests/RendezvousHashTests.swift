import Testing
@testable import WireRPC

struct RendezvousHashTests {
    let endpoints = ["unix:/run/rag-1.sock", "unix:/run/rag-2.sock", "unix:/run/rag-3.sock"]

    @Test func eachTenant_HasAStableOrder_AndTenantsSpreadOverEndpoints() {
        var first = [0, 0, 0]
        for number in 0..<3_000 {
            let order = RendezvousHash.order(key: "clinic-\(number)", endpoints: endpoints)
            #expect(Set(order) == [0, 1, 2])
            #expect(order == RendezvousHash.order(key: "clinic-\(number)", endpoints: endpoints))
            first[order[0]] += 1
        }
        // Roughly a third each (±10 points).
        #expect(first.allSatisfy { $0 > 700 && $0 < 1_300 }, "\(first)")
    }

    @Test func losingAnEndpoint_MovesOnlyItsTenants_ToTheirNextChoice() {
        let survivors = [endpoints[0], endpoints[2]]
        for number in 0..<1_000 {
            let key = "clinic-\(number)"
            let full = RendezvousHash.order(key: key, endpoints: endpoints)
            let reduced = RendezvousHash.order(key: key, endpoints: survivors).map { survivors[$0] }
            // The surviving endpoints keep their relative order for every tenant.
            #expect(reduced == full.map { endpoints[$0] }.filter { $0 != endpoints[1] })
        }
    }
}
