import Foundation
import NetworkCore
import ServiceRuntime
import Wire
import WireRPC

// wire-cli: talks to the services over Wire.
//
//   wire-cli health ADDRESS [COMPONENT]    one service's health
//   wire-cli health-all [--run-dir DIR]    every service's health (addresses from env or the run dir)
//   wire-cli methods ADDRESS               the methods a service serves
//   wire-cli echo ADDRESS TEXT             round trip through the echo method
//
// ADDRESS is unix:/path or tcp://host:port (TCP needs WIRE_SERVICE_CREDENTIAL_FILE, as the services do).
// Exit status 0 when everything asked about is serving.

let options = CommandLineOptions()
let arguments = options.positional
let timeout: Duration
let credential: ServiceCredential?
do {
    timeout = try options.duration("timeout", in: .milliseconds(10)...(.seconds(600))) ?? .seconds(3)
    credential = try options.serviceCredential()
} catch {
    print("error: \(error)")
    exit(2)
}

/// A client for one address; TCP addresses present the service credential when one is configured
/// (`WIRE_SERVICE_CREDENTIAL_FILE`).
func client(_ address: SocketAddress) -> RPCClient {
    RPCClient(endpoints: [address], configuration: RPCClientConfiguration(
        connectTimeout: .seconds(2), callerName: "wire-cli", serviceCredential: credential))
}

func client(_ text: String) throws -> RPCClient { client(try SocketAddress(parsing: text)) }

func printHealth(_ name: String, _ report: HealthCheckResponse) {
    print("\(name): \(report.status.rawValue) (\(report.service) v\(report.version), up \(Int(report.uptimeSeconds))s)")
    for (component, health) in report.components.sorted(by: { $0.key < $1.key }) {
        print("  \(component): \(health.status.rawValue)\(health.detail.map { " — \($0)" } ?? "")")
    }
}

func run() async -> Int32 {
    guard let command = arguments.first else {
        print("usage: wire-cli health|health-all|methods|echo ...")
        return 2
    }
    do {
        switch command {
        case "health":
            guard arguments.count >= 2 else { print("usage: wire-cli health ADDRESS [COMPONENT]"); return 2 }
            let report = try await client(arguments[1]).call(
                StandardMethods.health, HealthCheckRequest(component: arguments.count > 2 ? arguments[2] : nil),
                timeout: timeout)
            printHealth(arguments[1], report)
            return report.status == .serving ? 0 : 1
        case "health-all":
            let endpoints = ServiceEndpoints(options: options)
            var allServing = true
            for service in ServiceName.allCases {
                let addresses = try endpoints.addresses(of: service)
                for address in addresses {
                    do {
                        let report = try await client(address).call(
                            StandardMethods.health, HealthCheckRequest(), timeout: timeout)
                        printHealth("\(service.rawValue) @ \(address)", report)
                        allServing = allServing && report.status == .serving
                    } catch {
                        print("\(service.rawValue) @ \(address): unreachable — \(error)")
                        allServing = false
                    }
                }
            }
            return allServing ? 0 : 1
        case "methods":
            guard arguments.count >= 2 else { print("usage: wire-cli methods ADDRESS"); return 2 }
            let list = try await client(arguments[1]).call(StandardMethods.listMethods, ListMethodsRequest(), timeout: timeout)
            for method in list.methods { print(method.fullName) }
            return 0
        case "echo":
            guard arguments.count >= 3 else { print("usage: wire-cli echo ADDRESS TEXT"); return 2 }
            let reply = try await client(arguments[1]).call(StandardMethods.echo, EchoMessage(text: arguments[2]),
                                                            timeout: timeout)
            print(reply.text)
            return 0
        default:
            print("unknown command '\(command)'")
            return 2
        }
    } catch {
        print("error: \(error)")
        return 1
    }
}

exit(await run())
