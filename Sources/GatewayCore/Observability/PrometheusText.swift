/// Joins Prometheus text expositions (the gateway's own, each service's `wire/metrics`) into one valid
/// exposition: a metric family's `# HELP` and `# TYPE` appear once, and all of its samples stay together, in the
/// order the families were first seen.
enum PrometheusText {
    static func merge(_ texts: [String]) -> String {
        var order: [String] = []
        var headers: [String: [String]] = [:]
        var samples: [String: [String]] = [:]
        for text in texts {
            var family = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
                if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                    let name = String(line.dropFirst(7).prefix { $0 != " " })
                    family = name
                    if headers[name] == nil { order.append(name); headers[name] = [] }
                    if !(headers[name] ?? []).contains(where: { $0.hasPrefix(String(line.prefix(7))) }) { headers[name]?.append(line) }
                    continue
                }
                if line.hasPrefix("#") { continue }
                let metric = String(line.prefix { $0 != "{" && $0 != " " })
                // A sample belongs to the family declared above it when its name is that family's (with a
                // histogram's or summary's suffix); an undeclared one becomes its own family.
                let owner = !family.isEmpty && (metric == family || metric.hasPrefix(family + "_")) ? family : metric
                if headers[owner] == nil { order.append(owner); headers[owner] = [] }
                samples[owner, default: []].append(line)
            }
        }
        var out = ""
        for name in order {
            for line in headers[name] ?? [] { out += line + "\n" }
            for line in samples[name] ?? [] { out += line + "\n" }
        }
        return out
    }
}
