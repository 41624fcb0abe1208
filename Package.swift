// swift-tools-version:6.0
//
// Multi-tenant AI customer-conversation backend.
//
// Design card: Swift 6, no Swift package dependencies. Only the toolchain and system C libraries
// (OpenSSL, libcurl, libpq, hiredis, sqlite3) wrapped as `systemLibrary` targets, plus small C shims
// for the APIs Swift cannot import (variadic functions, function-like macros, epoll/eventfd/timerfd).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "ConversationBackend",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["Gateway"]),
        .executable(name: "config-service", targets: ["ConfigService"]),
        .executable(name: "agent-service", targets: ["AgentService"]),
        .executable(name: "rag-service", targets: ["RAGService"]),
        .executable(name: "media-service", targets: ["MediaService"]),
        .executable(name: "launcher", targets: ["Launcher"]),
        .executable(name: "wire-cli", targets: ["WireCLI"]),
        .executable(name: "wire-bench", targets: ["WireBench"]),
        .library(name: "Wire", targets: ["Wire"]),
        .library(name: "WireRPC", targets: ["WireRPC"]),
    ],
    targets: [
        // MARK: System C libraries
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CPostgreSQL", path: "Sources/CPostgreSQL", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),

        // MARK: C shims for APIs Swift cannot import
        .target(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "COpenSSLShims", dependencies: ["COpenSSL"], path: "Sources/COpenSSLShims"),
        .target(name: "CCurlShims", dependencies: ["CCurl"], path: "Sources/CCurlShims"),

        // MARK: Shared libraries
        .target(name: "Wire", swiftSettings: swiftSettings),
        .target(name: "CryptoPrimitives", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(name: "PostgresClient", dependencies: ["CPostgreSQL"], swiftSettings: swiftSettings),
        .target(name: "ConfigStore", dependencies: ["Wire", "CryptoPrimitives", "PostgresClient"], swiftSettings: swiftSettings),
        .target(name: "ServiceLogging", swiftSettings: swiftSettings),
        .target(
            name: "NetworkCore",
            dependencies: ["CLinux", "COpenSSL", "COpenSSLShims", "ServiceLogging"],
            swiftSettings: swiftSettings),
        .target(
            name: "WireRPC",
            dependencies: ["Wire", "NetworkCore", "ServiceLogging"],
            swiftSettings: swiftSettings),
        .target(name: "HTTPServerCore", dependencies: ["NetworkCore"], swiftSettings: swiftSettings),
        .target(
            name: "GatewayCore",
            dependencies: ["HTTPServerCore", "Wire", "WireRPC", "NetworkCore", "ServiceLogging", "ServiceRuntime",
                           "CryptoPrimitives", "ConfigStore"],
            swiftSettings: swiftSettings),
        .target(
            name: "ServiceRuntime",
            dependencies: ["Wire", "WireRPC", "NetworkCore", "ServiceLogging"],
            swiftSettings: swiftSettings),

        // MARK: Service executables
        .executableTarget(
            name: "Gateway",
            dependencies: ["GatewayCore", "HTTPServerCore", "NetworkCore", "Wire", "WireRPC", "ServiceRuntime", "ServiceLogging"],
            path: "Sources/Gateway", swiftSettings: swiftSettings),
        .executableTarget(
            name: "ConfigService",
            dependencies: ["Wire", "WireRPC", "ServiceRuntime", "ServiceLogging", "NetworkCore", "CryptoPrimitives", "ConfigStore",
                           "PostgresClient"],
            path: "Sources/ConfigService", swiftSettings: swiftSettings),
        .executableTarget(
            name: "AgentService", dependencies: ["Wire", "WireRPC", "ServiceRuntime", "ServiceLogging"],
            path: "Sources/AgentService", swiftSettings: swiftSettings),
        .executableTarget(
            name: "RAGService", dependencies: ["Wire", "WireRPC", "ServiceRuntime", "ServiceLogging"],
            path: "Sources/RAGService", swiftSettings: swiftSettings),
        .executableTarget(
            name: "MediaService", dependencies: ["Wire", "WireRPC", "ServiceRuntime", "ServiceLogging"],
            path: "Sources/MediaService", swiftSettings: swiftSettings),

        // MARK: Tools
        .executableTarget(
            name: "Launcher", dependencies: ["ServiceRuntime", "ServiceLogging", "Wire", "WireRPC", "CryptoPrimitives"],
            path: "Sources/Launcher", swiftSettings: swiftSettings),
        .executableTarget(
            name: "WireCLI", dependencies: ["Wire", "WireRPC", "ServiceRuntime"],
            path: "Sources/WireCLI", swiftSettings: swiftSettings),
        .executableTarget(
            name: "WireBench", dependencies: ["Wire", "WireRPC", "NetworkCore", "ServiceRuntime"],
            path: "Sources/WireBench", swiftSettings: swiftSettings),

        // MARK: Tests
        .testTarget(name: "WireTests", dependencies: ["Wire"], swiftSettings: swiftSettings),
        .testTarget(name: "NetworkCoreTests", dependencies: ["NetworkCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WireRPCTests", dependencies: ["Wire", "WireRPC", "NetworkCore", "ServiceRuntime"],
            swiftSettings: swiftSettings),
        .testTarget(name: "ConfigStoreTests", dependencies: ["ConfigStore", "Wire", "PostgresClient"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayCoreTests", dependencies: ["GatewayCore", "HTTPServerCore", "Wire", "CryptoPrimitives"],
            swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerCoreTests", dependencies: ["HTTPServerCore", "NetworkCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SystemLibrariesTests",
            dependencies: ["COpenSSL", "COpenSSLShims", "CCurl", "CCurlShims", "CPostgreSQL", "CHiredis", "CSQLite"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Wire", "WireRPC", "ServiceRuntime", "NetworkCore", "CryptoPrimitives", "ServiceLogging"],
            swiftSettings: swiftSettings),
    ]
)
