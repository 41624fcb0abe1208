// swift-tools-version:6.0
//
// Multi-tenant AI customer-conversation backend.
//
// Design card: Swift 6, no Swift package dependencies. Only the toolchain and system C libraries
// (OpenSSL, libcurl, libpq, hiredis, sqlite3) wrapped as `systemLibrary` targets, plus small C shims
// for the APIs Swift cannot import (variadic functions, function-like macros, epoll/eventfd/timerfd).
//
// Layers, each depending only downward (docs/ARCHITECTURE.md has the picture):
//   C modules → Wire (contracts) → NetworkCore → BlockingIO → WireRPC, HTTPServerCore → ServiceRuntime
//   storage and clients: SQLiteClient, RedisClient, PostgresClient, HTTPClient (all on BlockingIO or a thread of their own)
//   domain: CompanyModel → TenantStorage; one *Core library per service; thin executables on top.
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
        .executable(name: "rag-bench", targets: ["RAGBench"]),
        .executable(name: "appointments-bench", targets: ["AppointmentsBench"]),
        .executable(name: "agent-bench", targets: ["AgentBench"]),
        .executable(name: "media-bench", targets: ["MediaBench"]),
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
        // No pkg-config: hiredis's .pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses (and warns about);
        // the shim includes <hiredis/hiredis.h> from the standard include path and the module links hiredis.
        .systemLibrary(
            name: "CHiredis", path: "Sources/CHiredis",
            providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(
            name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // Tesseract (OCR of images, with Leptonica decoding them): the one library beyond the design card's
        // list; README "Why Tesseract" gives the reason.
        .systemLibrary(
            name: "CTesseract", path: "Sources/CTesseract", pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev"])]),

        // MARK: C shims for APIs Swift cannot import
        .target(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "CVectorKernels", path: "Sources/CVectorKernels"),
        .target(name: "COpenSSLShims", dependencies: ["COpenSSL"], path: "Sources/COpenSSLShims"),
        .target(name: "CCurlShims", dependencies: ["CCurl"], path: "Sources/CCurlShims"),

        // MARK: Contracts and transport
        .target(name: "Wire", swiftSettings: swiftSettings),
        .target(name: "CryptoPrimitives", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        .target(name: "ServiceLogging", swiftSettings: swiftSettings),
        .target(
            name: "NetworkCore",
            dependencies: ["CLinux", "COpenSSL", "COpenSSLShims", "ServiceLogging"],
            swiftSettings: swiftSettings),
        .target(name: "BlockingIO", dependencies: ["CLinux"], swiftSettings: swiftSettings),
        .target(
            name: "WireRPC",
            dependencies: ["Wire", "NetworkCore", "ServiceLogging", "BlockingIO", "CryptoPrimitives"],
            swiftSettings: swiftSettings),
        .target(name: "HTTPServerCore", dependencies: ["NetworkCore"], swiftSettings: swiftSettings),
        .target(
            name: "ServiceRuntime",
            dependencies: ["Wire", "WireRPC", "NetworkCore", "ServiceLogging", "TenantStorage"],
            swiftSettings: swiftSettings),

        // MARK: Storage and outbound clients
        .target(name: "PostgresClient", dependencies: ["CPostgreSQL", "BlockingIO"], swiftSettings: swiftSettings),
        .target(name: "SQLiteClient", dependencies: ["CSQLite", "BlockingIO"], swiftSettings: swiftSettings),
        .target(name: "RedisClient", dependencies: ["CHiredis", "BlockingIO", "CryptoPrimitives"], swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["CCurl", "CCurlShims"], swiftSettings: swiftSettings),

        // MARK: Domain
        .target(name: "CompanyModel", dependencies: ["Wire"], swiftSettings: swiftSettings),
        .target(name: "TenantStorage", dependencies: ["CompanyModel", "Wire"], swiftSettings: swiftSettings),
        .target(
            name: "ConfigServiceCore",
            dependencies: ["Wire", "WireRPC", "CompanyModel", "CryptoPrimitives", "PostgresClient", "BlockingIO",
                           "ServiceLogging"],
            swiftSettings: swiftSettings),
        .target(
            name: "AgentCore", dependencies: ["Wire", "WireRPC", "CompanyModel", "ServiceRuntime", "ServiceLogging", "TenantStorage", "SQLiteClient", "RedisClient", "AppointmentsCore",
                                              "HTTPClient", "CryptoPrimitives", "HTTPServerCore", "TextFolding"],
            swiftSettings: swiftSettings),
        .target(
            name: "RAGCore",
            dependencies: ["Wire", "WireRPC", "TenantStorage", "CompanyModel", "SQLiteClient", "RedisClient", "BlockingIO", "ServiceRuntime",
                           "CryptoPrimitives", "CVectorKernels", "HTTPClient", "TextFolding"],
            swiftSettings: swiftSettings),
        .target(
            name: "AppointmentsCore",
            dependencies: ["Wire", "WireRPC", "TenantStorage", "SQLiteClient", "RedisClient", "BlockingIO", "HTTPClient", "CryptoPrimitives", "ServiceRuntime",
                           "TextFolding"],
            swiftSettings: swiftSettings),
        .target(name: "TextFolding", swiftSettings: swiftSettings),
        .target(name: "MediaCore", dependencies: ["Wire", "WireRPC", "HTTPClient", "HTTPServerCore", "BlockingIO", "CTesseract", "ServiceLogging", "ServiceRuntime", "TenantStorage"], swiftSettings: swiftSettings),
        .target(
            name: "GatewayCore",
            dependencies: ["HTTPServerCore", "Wire", "WireRPC", "NetworkCore", "ServiceLogging", "ServiceRuntime",
                           "CryptoPrimitives", "CompanyModel"],
            swiftSettings: swiftSettings),

        // MARK: Service executables (thin: options, wiring, run)
        .executableTarget(
            name: "Gateway",
            dependencies: ["GatewayCore", "HTTPServerCore", "NetworkCore", "Wire", "WireRPC", "ServiceRuntime"],
            path: "Sources/Gateway", swiftSettings: swiftSettings),
        .executableTarget(
            name: "ConfigService", dependencies: ["ConfigServiceCore", "Wire", "WireRPC", "ServiceRuntime"],
            path: "Sources/ConfigService", swiftSettings: swiftSettings),
        .executableTarget(
            name: "AgentService", dependencies: ["AgentCore", "AppointmentsCore", "RedisClient", "HTTPClient", "Wire", "WireRPC", "ServiceRuntime"],
            path: "Sources/AgentService", swiftSettings: swiftSettings),
        .executableTarget(
            name: "RAGService", dependencies: ["RAGCore", "WireRPC", "ServiceRuntime", "BlockingIO", "RedisClient", "HTTPClient"],
            path: "Sources/RAGService", swiftSettings: swiftSettings),
        .executableTarget(
            name: "MediaService", dependencies: ["MediaCore", "WireRPC", "ServiceRuntime"],
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
        .executableTarget(
            name: "RAGBench", dependencies: ["RAGCore", "Wire", "TenantStorage", "BlockingIO", "HTTPClient"],
            path: "Sources/RAGBench", swiftSettings: swiftSettings),

        .executableTarget(
            name: "AppointmentsBench", dependencies: ["AppointmentsCore", "Wire", "TenantStorage"],
            path: "Sources/AppointmentsBench", swiftSettings: swiftSettings),

        .executableTarget(name: "AgentBench", dependencies: ["AgentCore", "RAGCore", "HTTPClient", "Wire"], path: "Sources/AgentBench", swiftSettings: swiftSettings),
        .executableTarget(name: "MediaBench", dependencies: ["MediaCore"], path: "Sources/MediaBench", swiftSettings: swiftSettings),

        // MARK: Tests
        .testTarget(name: "AgentCoreTests", dependencies: ["AgentCore", "TextFolding", "RAGCore", "CompanyModel", "AppointmentsCore", "ServiceLogging", "Wire", "TenantStorage", "RedisClient", "HTTPClient",
                                                            "HTTPServerCore", "NetworkCore", "TestSupport"],
                    swiftSettings: swiftSettings),
        .target(name: "TestSupport", dependencies: ["HTTPClient", "HTTPServerCore", "NetworkCore"], path: "Tests/TestSupport",
                swiftSettings: swiftSettings),
        .testTarget(name: "AppointmentsCoreTests", dependencies: ["AppointmentsCore", "CompanyModel", "Wire", "TenantStorage", "RedisClient", "HTTPClient", "HTTPServerCore", "NetworkCore",
                                                                   "TestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "WireTests", dependencies: ["Wire"], swiftSettings: swiftSettings),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore", "HTTPClient", "HTTPServerCore", "NetworkCore", "TestSupport"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "NetworkCoreTests", dependencies: ["NetworkCore"], swiftSettings: swiftSettings),
        .testTarget(name: "BlockingIOTests", dependencies: ["BlockingIO"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WireRPCTests", dependencies: ["Wire", "WireRPC", "NetworkCore", "ServiceRuntime", "BlockingIO"],
            swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteClientTests", dependencies: ["SQLiteClient"], swiftSettings: swiftSettings),
        .testTarget(name: "RedisClientTests", dependencies: ["RedisClient"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "HTTPServerCore", "NetworkCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RAGCoreTests",
            dependencies: ["RAGCore", "TenantStorage", "Wire", "BlockingIO", "CompanyModel", "RedisClient", "SQLiteClient", "CVectorKernels",
                           "HTTPClient", "HTTPServerCore", "NetworkCore", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "TenantStorageTests", dependencies: ["TenantStorage", "CompanyModel", "Wire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConfigServiceCoreTests", dependencies: ["ConfigServiceCore", "CompanyModel", "Wire", "PostgresClient"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "GatewayCoreTests",
            dependencies: ["GatewayCore", "HTTPServerCore", "Wire", "WireRPC", "CryptoPrimitives", "CompanyModel", "NetworkCore", "ServiceRuntime"],
            swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerCoreTests", dependencies: ["HTTPServerCore", "NetworkCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SystemLibrariesTests",
            dependencies: ["COpenSSL", "COpenSSLShims", "CCurl", "CCurlShims", "CPostgreSQL", "CHiredis", "CSQLite"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Wire", "WireRPC", "ServiceRuntime", "NetworkCore", "CryptoPrimitives", "ServiceLogging", "SQLiteClient", "RedisClient"],
            swiftSettings: swiftSettings),
    ]
)
